import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../../deps';
import type { Lang } from '../../flows';
import { webLinkKeys } from '../../domain/web/issue-web-link';
import { certificateOffered } from '../../domain/certificates/certificate-offered';
import { CHECK_CSS, CHECK_JS } from './assets';
import { tokenPageHeaders } from './page-headers';
import { buildCheckPage } from '../../domain/web/page-model';
import { resolveLink, type LinkedSession } from '../../domain/web/resolve-link';
import { submitWebAnswer, type WebAnswerForm } from '../../domain/web/submit-answer';
import { isLang } from './texts';
import { AllQuestionsPage } from './views/all-questions-page';
import { QuestionPage } from './views/question-page';
import { ClosedPage, DonePage, ErrorPage, InvalidLinkPage, TooLargePage } from './views/status-pages';

const MAX_FORM_BYTES = 16 * 1024;

/** No inline script or style may run, and forms may only post back here. */
const patientPageHeaders = tokenPageHeaders("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");

function requestInfo(c: Context) {
  return { requestId: (c.get('requestId' as never) as string | undefined) ?? null, userAgent: c.req.header('user-agent') ?? null };
}

/** A page with its doctype (standards mode: the layout and 200 % zoom depend on it). Hono JSX escapes every value. */
async function html(c: Context, node: unknown, status: 200 | 404 | 410 | 413 | 500 = 200): Promise<Response> {
  const body = await Promise.resolve(node as Promise<string> | string);
  return c.html(`<!DOCTYPE html>${String(body)}`, status);
}

function formValues(body: Record<string, unknown>): WebAnswerForm {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const list = (raw: unknown) => (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((x): x is string => typeof x === 'string');
  const form: WebAnswerForm = { q: str(body.q), n: str(body.n), t: body.t === 'm' ? 'm' : 'c', v: list(body.v) };
  if (body.mode === 'all') {
    // One-page mode: a t.<question> field per question, in the page's order; values in a.<question>.
    form.all = Object.keys(body)
      .filter((k) => k.startsWith('t.'))
      .map((k) => ({ q: k.slice(2), t: body[k] === 'm' ? ('m' as const) : ('c' as const), v: list(body[`a.${k.slice(2)}`]) }));
  }
  return form;
}

/**
 * The patient's web check, mounted at /c: GET /c/<token> shows the waiting question (or
 * why the link cannot be used), POST /c/<token> records one answer and redirects (303)
 * back — Post/Redirect/Get, so reloads and the back button never post twice.
 * ?lang=ja|en|ja-easy picks the language; nothing else ever goes into the URL.
 */
export function createWebCheckRoutes(deps: Deps) {
  const keys = () => webLinkKeys(deps.env);
  const app = new Hono();
  app.use('*', patientPageHeaders);
  // A patient gets a page, not JSON. Only the error's name is logged: a failed query's
  // message carries its parameters, i.e. what the patient typed.
  app.onError((err, c) => {
    deps.logger.error({ requestId: c.get('requestId' as never), error: err.name }, 'web check page failed');
    return html(c, <ErrorPage lang={isLang(c.req.query('lang')) ? (c.req.query('lang') as Lang) : 'ja'} />, 500);
  });

  app.get('/_/check.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(CHECK_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
  app.get('/_/check.js', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(CHECK_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
  });

  const pageLang = (requested: unknown, session: LinkedSession | null): Lang => (isLang(requested) ? requested : (session?.preferredLanguage ?? 'ja'));

  app.get('/:token', async (c) => {
    const now = deps.now();
    const link = await resolveLink(deps.db, keys().signer, c.req.param('token'), now);
    if (link.kind === 'invalid') return html(c, <InvalidLinkPage lang={pageLang(c.req.query('lang'), null)} />, 404);
    const { session } = link;
    const lang = pageLang(c.req.query('lang'), session);
    const certificateHref = link.kind !== 'open' && (await certificateOffered(deps.db, session.personId)) ? `/c/${c.req.param('token')}/certificate` : undefined;
    if (link.kind === 'closed') return html(c, <ClosedPage lang={lang} centre={session.centre} certificateHref={certificateHref} />, 410);
    const page = await buildCheckPage(deps.db, session, lang, now);
    if (link.kind === 'done' || !page.prompt) return html(c, <DonePage lang={lang} centre={session.centre} notes={page.notes} advised={page.advised} certificateHref={certificateHref} />);
    const path = `/c/${c.req.param('token')}`;
    if (page.all) return html(c, <AllQuestionsPage lang={lang} path={path} page={page} centre={session.centre} />);
    return html(c, <QuestionPage lang={lang} path={path} page={page} centre={session.centre} />);
  });

  app.post(
    '/:token',
    bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => html(c, <TooLargePage lang={pageLang(c.req.query('lang'), null)} />, 413) }),
    async (c) => {
      const token = c.req.param('token');
      const body = await c.req.parseBody({ all: true });
      const lang = isLang(body.lang) ? body.lang : null;
      const link = await resolveLink(deps.db, keys().signer, token, deps.now());
      if (link.kind === 'invalid') return html(c, <InvalidLinkPage lang={lang ?? 'ja'} />, 404);
      if (link.kind === 'open') await submitWebAnswer(deps, link.session, formValues(body), requestInfo(c));
      // Whatever happened (recorded, stale, closed meanwhile), show the session as it is now.
      return c.redirect(`/c/${token}${lang ? `?lang=${lang}` : ''}`, 303);
    },
  );
  return app;
}
