import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Deps } from '../../deps';
import { systemActor, withTransaction } from '../../domain/context';
import { ValidationError } from '../../domain/errors';
import { facilityRoundKeys, resolveFacilityRound, submitFacilityRound } from '../../domain/facilities/facility-round';
import { tokenPageHeaders } from './page-headers';
import { FACILITY_CSS, FacilityDonePage, FacilityInvalidPage, FacilityRoundPage, facilityFormRows, facilityProblems } from '../../domain/facilities/facility-round-page';

const MAX_FORM_BYTES = 256 * 1024; // 100 residents × a comment each

/** No script at all; forms post back here only. */
const pageHeaders = tokenPageHeaders("default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");

async function html(c: Context, node: unknown, status: 200 | 404 | 410 | 413 | 422 = 200): Promise<Response> {
  return c.html(`<!DOCTYPE html>${String(await Promise.resolve(node as Promise<string> | string))}`, status);
}

/**
 * 施設一括報告, mounted at /f: GET /f/<token> is the round's table of residents, POST
 * records it once (submitFacilityRound) and redirects (303) to the same address, which
 * then shows what was recorded. Works without JavaScript (there is none).
 */
export function createFacilityRoundRoutes(deps: Deps) {
  const keys = () => facilityRoundKeys(deps.env);
  const app = new Hono();
  app.use('*', pageHeaders);
  app.get('/_/facility.css', (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.body(FACILITY_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8' });
  });
  app.get('/:token', async (c) => {
    const view = await resolveFacilityRound(deps.db, keys().signer, c.req.param('token'), deps.now());
    if (!view) return html(c, <FacilityInvalidPage />, 404);
    if (!view.open) return html(c, <FacilityDonePage view={view} />, view.submittedAt ? 200 : 410);
    return html(c, <FacilityRoundPage view={view} path={`/f/${c.req.param('token')}`} />);
  });
  app.post('/:token', bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => c.text('too large', 413) }), async (c) => {
    const token = c.req.param('token');
    const now = deps.now();
    const view = await resolveFacilityRound(deps.db, keys().signer, token, now);
    if (!view) return html(c, <FacilityInvalidPage />, 404);
    const { rows, values } = facilityFormRows(await c.req.parseBody({ all: true }));
    if (view.open) {
      try {
        await withTransaction(deps.db, { actor: systemActor(`facility:${view.facility.id}`), now, request: { requestId: (c.get('requestId' as never) as string | undefined) ?? null, userAgent: c.req.header('user-agent') ?? null } }, (ctx) =>
          submitFacilityRound({ ctx, input: { roundId: view.roundId, rows, submittedBy: 'link' } }),
        );
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        return html(c, <FacilityRoundPage view={view} path={`/f/${token}`} values={values} problems={facilityProblems(err)} />, 422);
      }
    }
    // Recorded now, or already (a reload, a second tablet): show the round as it is.
    return c.redirect(`/f/${token}`, 303);
  });
  return app;
}
