import { listenChannel } from '../../db/client';
import type { Deps } from '../deps';
import { ESCALATION_DUE_CHANNEL } from '../domain/escalation/page-outcome';
import { runEscalations } from '../domain/escalation/run-escalations';

export interface EscalationListener {
  close(): Promise<void>;
}

/**
 * A page's call came back busy, unanswered or refused (a Twilio status callback): the
 * chain's next step is due now, and this runs the escalation step at once instead of
 * waiting for the tick (up to TICK_EVERY_MS). Notices arriving together make one run; one
 * arriving during a run makes one more after it. Running beside the tick (or another
 * process) is safe: each step is claimed under a row lock and paged once.
 */
export async function startEscalationListener(deps: Deps): Promise<EscalationListener> {
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = runEscalations(deps, deps.now())
      .then(() => undefined)
      .catch((err: Error) => deps.logger.warn({ err: err.message }, 'escalation step after a refused page failed; the tick takes it'))
      .finally(() => {
        running = null;
        if (again) run();
      });
  };
  const unlisten = await listenChannel(deps.dbHandle, ESCALATION_DUE_CHANNEL, run);
  return {
    async close() {
      await unlisten().catch(() => undefined);
      await running;
    },
  };
}
