import type { MiddlewareHandler } from 'hono';
import type { AdminEnv } from '../auth/types';
import { t } from './i18n';
import { Layout } from './layout';
import { page } from './render';

const isForm = (type: string) => type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data');
// A browser submitting a form navigates, and says it wants a page; scripts and API clients do not.
const wantsPage = (accept: string) => accept.includes('text/html');

/** Where "try again" leads: the page the form was on (same origin only), else the console's start. */
function backTo(referer: string | undefined, origin: string): string {
  try {
    const u = new URL(referer ?? '', origin);
    return u.origin === origin && u.pathname.startsWith('/admin') ? `${u.pathname}${u.search}` : '/admin';
  } catch {
    return '/admin';
  }
}

/**
 * staffAuth refuses a state-changing request without the session's CSRF token with a
 * JSON body (right for the API and scripts). A console form posted from a tab left open
 * past its session, or after signing in elsewhere, would then show raw JSON: for form
 * posts by a navigating browser (Accept: text/html) this turns that answer into a page in
 * the console's language with a way back. Mounted before staffAuth so it sees its answer.
 */
export function csrfFailurePage(): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    await next();
    if (c.res.status !== 403 || !isForm(c.req.header('content-type') ?? '') || !wantsPage(c.req.header('accept') ?? '') || !(c.res.headers.get('content-type') ?? '').includes('json')) return;
    const body = (await c.res.clone().json().catch(() => null)) as { code?: string } | null;
    if (body?.code !== 'csrf_failed') return;
    const lang = c.get('lang') ?? 'ja';
    const back = backTo(c.req.header('referer'), new URL(c.req.url).origin);
    c.res = undefined;
    c.res = await page(
      c,
      <Layout title={t(lang, 'csrf.title')} actor={null} lang={lang} csrf="">
        <p id="csrf-expired">{t(lang, 'login.expired')}</p>
        <p>{t(lang, 'csrf.help')}</p>
        <p><a class="button" href={back}>{t(lang, 'csrf.back')}</a></p>
      </Layout>,
      403,
    );
  };
}
