import { Hono } from 'hono';
import type { Env } from '../../config/env';
import type { Deps } from '../../deps';
import { requestInfo } from '../../admin/auth/request-info';
import { idParam } from '../../admin/auth/run-verb';
import type { AdminEnv } from '../../admin/auth/types';
import { createTryAsPatientLink } from './try-as-patient';

/** Whether the console should offer 「患者として試す」 at all (never in production). */
export function tryAsPatientAvailable(env: Env): boolean {
  return env.NODE_ENV !== 'production';
}

/**
 * POST /admin/try-as-patient/:personId — mounted inside the console's signed-in area, so
 * staffAuth (session + CSRF) has run: starts a web check for the person and sends the
 * browser to its personal link (303).
 */
export function createTryAsPatientRoutes(deps: Deps) {
  return new Hono<AdminEnv>().post('/try-as-patient/:personId', async (c) => {
    const personId = idParam(c, 'personId', 'person');
    const link = await createTryAsPatientLink(deps, c.get('actor'), personId, requestInfo(c));
    return c.redirect(link.path, 303);
  });
}

/**
 * The button for the person page: a form posting to the route above with the console's
 * CSRF token. It opens the patient's page in a new tab so the console stays open for the
 * triage screen.
 * @example <TryAsPatientButton personId={p.id} csrf={c.get('csrfToken')} lang={lang} />
 */
export function TryAsPatientButton(props: { personId: string; csrf: string; lang: 'ja' | 'en' }) {
  return (
    <form method="post" action={`/admin/try-as-patient/${props.personId}`} target="_blank" class="try-as-patient">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <button type="submit" class="secondary" id="try-as-patient">{props.lang === 'en' ? 'Try as the patient (web check)' : '患者として試す（Web健康観察）'}</button>
    </form>
  );
}
