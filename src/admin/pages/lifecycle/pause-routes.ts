import { Hono } from 'hono';
import type { Deps } from '../../../deps';
import { endPause, pauseMonitoring } from '../../../domain/pauses/pause-monitoring';
import { idParam, runVerb } from '../../auth/run-verb';
import type { AdminEnv } from '../../auth/types';
import { formOf, runAction } from './refusal-page';

/** 一時停止 forms posted from the person page. */
export function createPauseRoutes(deps: Deps) {
  const app = new Hono<AdminEnv>();
  app.post('/persons/:id/pause', async (c) => {
    const id = idParam(c, 'id', 'person');
    const b = await formOf(c);
    return runAction(c, `/admin/persons/${id}`, b.note, async () => (await runVerb(deps, c, (ctx) => pauseMonitoring({ ctx, input: { personId: id, reason: b.reason, resumeOn: b.resumeOn, note: b.note } })), `/admin/persons/${id}#person-pauses`));
  });
  app.post('/persons/:id/pause/end', async (c) => {
    const id = idParam(c, 'id', 'person');
    return runAction(c, `/admin/persons/${id}`, undefined, async () => (await runVerb(deps, c, (ctx) => endPause({ ctx, input: { personId: id } })), `/admin/persons/${id}#person-pauses`));
  });
  return app;
}
