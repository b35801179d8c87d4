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
import { memberLink, nextMemberTurn } from '../../domain/web/household-link';
import { continueWithLabel, householdDoneText, nextMemberIntro } from '../../flows';
import { AllQuestionsPage } from './views/all-questions-page';
import { QuestionPage } from './views/question-page';
import { ClosedPage, DonePage, ErrorPage, InvalidLinkPage, TooLargePage, type HouseholdDone } from './views/status-pages';

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
 * ?lang=<code> picks the language; ?m=<k> (a household's reporter) the k-th member's check
 * (src/domain/web/household-link.ts) — an index, never a name or id; nothing else goes into the URL.
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

  /** ?m=<k>: the k-th member of the reporter's household (1–99); anything else is the link's own check. */
  const memberIndex = (raw: string | undefined): number | null => (raw && /^[1-9]\d?$/.test(raw) ? Number(raw) : null);
  const withQuery = (path: string, q: { m?: number | null; lang?: string | null }) => {
    const qs = new URLSearchParams();
    if (q.m) qs.set('m', String(q.m));
    if (q.lang) qs.set('lang', q.lang);
    return qs.size ? `${path}?${qs}` : path;
  };

  /** A reporter's way on after a check: the next member still to answer, else thanks for everyone (only for a reporter). */
  async function householdDone(session: LinkedSession, lang: Lang, path: string, lead: string | undefined, now: Date): Promise<HouseholdDone | undefined> {
    const next = await nextMemberTurn(deps.db, session, now);
    if (next) return { lead, next: { href: withQuery(path, { m: next.index, lang }), label: continueWithLabel(next.member.name, lang) } };
    return lead ? { lead, allDone: householdDoneText(lang, 'web') } : undefined;
  }

  app.get('/:token', async (c) => {
    const now = deps.now();
    const link = await resolveLink(deps.db, keys().signer, c.req.param('token'), now);
    if (link.kind === 'invalid') return html(c, <InvalidLinkPage lang={pageLang(c.req.query('lang'), null)} />, 404);
    const lang = pageLang(c.req.query('lang'), link.session);
    const path = `/c/${c.req.param('token')}`;
    const m = memberIndex(c.req.query('m'));
    if (m !== null) {
      // A household member's check through the reporter's link, while the link is good.
      const member = link.expired ? null : await memberLink(deps.db, link.session, m, now);
      if (!member) return c.redirect(withQuery(path, { lang: c.req.query('lang') ? lang : null }), 303);
      const lead = nextMemberIntro(member.member, lang, 'web');
      if (member.kind === 'closed') return html(c, <ClosedPage lang={lang} centre={member.session.centre} />, 410);
      const page = await buildCheckPage(deps.db, member.session, lang, now);
      if (member.kind === 'done' || !page.prompt) return html(c, <DonePage lang={lang} centre={member.session.centre} notes={page.notes} advised={page.advised} household={await householdDone(link.session, lang, path, lead, now)} member={m} />);
      const action = withQuery(path, { m });
      if (page.all) return html(c, <AllQuestionsPage lang={lang} path={action} page={page} centre={member.session.centre} lead={lead} member={m} />);
      return html(c, <QuestionPage lang={lang} path={action} page={page} centre={member.session.centre} lead={lead} member={m} />);
    }
    const { session } = link;
    const certificateHref = link.kind !== 'open' && (await certificateOffered(deps.db, session.personId)) ? `/c/${c.req.param('token')}/certificate` : undefined;
    if (link.kind === 'closed') return html(c, <ClosedPage lang={lang} centre={session.centre} certificateHref={certificateHref} />, 410);
    const page = await buildCheckPage(deps.db, session, lang, now);
    if (link.kind === 'done' || !page.prompt) {
      const household = link.expired ? undefined : await householdDone(session, lang, path, undefined, now);
      return html(c, <DonePage lang={lang} centre={session.centre} notes={page.notes} advised={page.advised} certificateHref={certificateHref} household={household} />);
    }
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
      const now = deps.now();
      const link = await resolveLink(deps.db, keys().signer, token, now);
      if (link.kind === 'invalid') return html(c, <InvalidLinkPage lang={lang ?? 'ja'} />, 404);
      const m = memberIndex(c.req.query('m'));
      if (m !== null) {
        // The reporter answers a member's check: recorded as the member's, answered by the reporter.
        const member = link.expired ? null : await memberLink(deps.db, link.session, m, now);
        if (member?.kind === 'open') await submitWebAnswer(deps, member.session, formValues(body), requestInfo(c), link.session.personId);
      } else if (link.kind === 'open') await submitWebAnswer(deps, link.session, formValues(body), requestInfo(c));
      // Whatever happened (recorded, stale, closed meanwhile), show the session as it is now.
      return c.redirect(withQuery(`/c/${token}`, { m, lang }), 303);
    },
  );
  return app;
}
