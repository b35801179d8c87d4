import type { Context } from 'hono';
import type { Deps } from '../../deps';
import { DomainError } from '../../domain/errors';
import { errorHandler } from '../../platform/http/errors';
import type { AdminEnv } from '../auth/types';
import { t } from './i18n';
import { Layout } from './layout';
import { page } from './render';

/**
 * Console pages answer errors as pages: 404 (also for records out of scope — the same page,
 * so existence is never confirmed) and 403 in the layout; anything else goes to the app's
 * one error handler (logged, 500).
 */
export function consolePageErrors(deps: Deps) {
  const fallback = errorHandler(deps.logger);
  return (err: Error, c: Context<AdminEnv>) => {
    if (!(err instanceof DomainError) || !c.get('actor') || (err.status !== 404 && err.status !== 403)) return fallback(err, c);
    const lang = c.get('lang');
    const title = t(lang, err.status === 404 ? 'common.notFound' : 'common.forbidden');
    return page(
      c,
      <Layout title={title} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} userName={c.get('displayName')}>
        <p>{err.status === 404 ? t(lang, 'common.notFoundBody') : t(lang, 'common.forbidden')}</p>
        <p><a href="/admin">{t(lang, 'nav.triage')}</a></p>
      </Layout>,
      err.status,
    );
  };
}
