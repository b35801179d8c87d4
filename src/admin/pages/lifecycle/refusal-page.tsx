import { DomainError, ValidationError } from '../../../domain/errors';
import type { AdminContext } from '../../auth/types';
import { t } from '../../ui/i18n';
import { ErrorSummary, Layout } from '../../ui/layout';
import { refusalMessage } from '../../ui/refusal';
import { page } from '../../ui/render';

/**
 * A refused action from the lifecycle forms (a call, a pause, a certificate, a hold): the
 * message in the console's language, what was typed (so nothing is lost) and a way back.
 * Not-found and forbidden go to the console's own error pages.
 */
export async function runAction(c: AdminContext, back: string, typed: string | undefined, fn: () => Promise<string>): Promise<Response> {
  try {
    return c.redirect(await fn(), 303);
  } catch (err) {
    if (!(err instanceof DomainError) || err.status === 404 || err.status === 403) throw err;
    const lang = c.get('lang');
    const errors = err instanceof ValidationError ? err.fields : [{ field: '', message: err.message, messageJa: refusalMessage('ja', err) }];
    return page(
      c,
      <Layout title={t(lang, 'common.error')} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} userName={c.get('displayName')}>
        <ErrorSummary lang={lang} errors={errors} />
        {typed && <><p>{t(lang, 'calls.note')}:</p><pre id="typed" class="pre">{typed}</pre></>}
        <p><a href={back}>{t(lang, 'common.back')}</a></p>
      </Layout>,
      err.status === 422 ? 422 : 409,
    );
  }
}

/** Form fields as strings (files and repeated fields left out). */
export async function formOf(c: AdminContext): Promise<Record<string, string>> {
  const raw = await c.req.parseBody();
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
