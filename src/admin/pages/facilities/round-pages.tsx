import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../../../deps';
import { ForbiddenError, ValidationError } from '../../../domain/errors';
import { listFacilityRounds, openFacilityRound } from '../../../domain/facilities/facility-account-rounds';
import { submitFacilityRound } from '../../../domain/facilities/facility-round';
import { FacilityDonePage, FacilityRoundPage, facilityFormRows, facilityProblems } from '../../../domain/facilities/facility-round-page';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminContext, AdminEnv } from '../../auth/types';
import { fmtShort } from '../../ui/format';
import { t } from '../../ui/i18n';
import { Layout } from '../../ui/layout';
import { page } from '../../ui/render';

/** The round form's size limit, applied before the session check reads the body (routes.ts). */
export const facilityRoundFormLimit = bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.text('too large', 413) }); // as the link's page: 100 residents × a comment each

async function html(c: AdminContext, node: unknown, status: 200 | 410 | 422 = 200): Promise<Response> {
  return c.html(`<!DOCTYPE html>${String(await Promise.resolve(node as Promise<string> | string))}`, status);
}

/**
 * A facility's account reaches its round pages and nothing else of the console or the API.
 * The permission table refuses it every verb but its own; this fence (after staffAuth)
 * also refuses the few pages that read without a verb of the table (the flow pages, the
 * on-call page) — with the same 403 as a role refusal, so the answer tells nothing more.
 */
export const facilityAccountFence: MiddlewareHandler<AdminEnv> = async (c, next) => {
  if (c.get('actor').role !== 'facility_reporter') return next();
  const path = c.req.path.replace(/\/+$/, '');
  if (path === '/admin' || path === '/admin/logout' || path === '/admin/facility-rounds' || path.startsWith('/admin/facility-rounds/')) return next();
  throw new ForbiddenError();
};

/**
 * A facility's account (施設職員) signed in: /admin is its list of rounds (today's and any
 * open), /admin/facility-rounds/<round> the same table as the round link, submitted
 * through the same verb (submitFacilityRound), which records the account as the
 * submitter. Everything here goes through verbs only the facility_reporter role may call
 * (permissions.ts); the account's other requests are refused there like any staff role's.
 */
export function createFacilityRoundPages(deps: Deps) {
  const app = new Hono<AdminEnv>();
  // The console's home is the alert queue; a facility's account lands on its rounds instead.
  app.get('/', async (c, next) => (c.get('actor').role === 'facility_reporter' ? c.redirect('/admin/facility-rounds', 303) : next()));

  app.get('/facility-rounds', async (c) => {
    const lang = c.get('lang');
    const { facility, rounds } = await runVerb(deps, c, (ctx) => listFacilityRounds({ ctx, input: {} }));
    return page(
      c,
      <Layout title={`${t(lang, 'facilityRounds.title')}: ${facility.name}`} actor={c.get('actor')} lang={lang} csrf={c.get('csrfToken')} active="facilityRounds" userName={c.get('displayName')}>
        <p class="muted">{t(lang, 'facilityRounds.help')}</p>
        {rounds.length === 0 && <p class="muted" id="no-rounds">{t(lang, 'facilityRounds.none')}</p>}
        <ul class="rounds" id="facility-round-list">
          {rounds.map((r) => (
            <li data-round={r.id}>
              <a href={`/admin/facility-rounds/${r.id}`}>{`${r.localDate} ${r.round}`}</a>{' '}
              {r.open ? <span>{`${t(lang, 'facilityRounds.open')} · ${t(lang, 'facilityRounds.until', { until: fmtShort(r.expiresAt) })}`}</span> : <span class="muted">{r.submittedAt ? t(lang, 'facilityRounds.submitted', { at: fmtShort(r.submittedAt) }) : t(lang, 'facilityRounds.closed')}</span>}
            </li>
          ))}
        </ul>
      </Layout>,
    );
  });

  const account = (c: AdminContext) => ({ csrf: c.get('csrfToken'), name: c.get('displayName') });
  app.get('/facility-rounds/:roundId', async (c) => {
    const roundId = idParam(c, 'roundId', 'facility_round');
    const view = await runVerb(deps, c, (ctx) => openFacilityRound({ ctx, input: { roundId } }));
    if (!view.open) return html(c, <FacilityDonePage view={view} account={account(c)} />, view.submittedAt ? 200 : 410);
    return html(c, <FacilityRoundPage view={view} path={`/admin/facility-rounds/${roundId}`} account={account(c)} />);
  });
  app.post('/facility-rounds/:roundId', async (c) => {
    const roundId = idParam(c, 'roundId', 'facility_round');
    const { rows, values } = facilityFormRows(await c.req.parseBody({ all: true }));
    try {
      // Recorded now, or already (the link or a second tablet was first): show the round as it is.
      await runVerb(deps, c, (ctx) => submitFacilityRound({ ctx, input: { roundId, rows } }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const view = await runVerb(deps, c, (ctx) => openFacilityRound({ ctx, input: { roundId } }));
      return html(c, <FacilityRoundPage view={view} path={`/admin/facility-rounds/${roundId}`} values={values} problems={facilityProblems(err)} account={account(c)} />, 422);
    }
    return c.redirect(`/admin/facility-rounds/${roundId}`, 303);
  });
  return app;
}
