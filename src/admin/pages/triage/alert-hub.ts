import { listenChannel } from '../../../../db/client';
import type { Deps } from '../../../deps';
import { ALERTS_CHANNEL, alertVisibleTo, parseAlertNotice, type AlertNotice } from '../../../domain/alerts/alert-notices';
import { observeAlertNotice } from '../../../platform/metrics/record';
import type { StaffActor } from '../../auth/types';

export type { AlertNotice };

interface Subscriber {
  actor: StaffActor;
  send(notice: AlertNotice): void;
}

const scopeKey = (a: StaffActor) => `${a.role}|${a.jurisdictionId}|${a.jurisdictionPath}|${a.institutionId}`;

/**
 * One PostgreSQL LISTEN per process on 'mimamori_alerts' (raiseAlert and the triage verbs
 * NOTIFY on commit), fanned out to the consoles connected to this process. Each notice is
 * checked against the one access rule once per distinct scope (all nurses of a centre
 * share one query), so a console only hears about alerts it may see. Works the same with
 * several app processes: each listens to PostgreSQL, none relies on another's memory.
 */
export class AlertHub {
  private subscribers = new Set<Subscriber>();
  private listening: Promise<() => Promise<void>> | null = null;
  // Notices are dispatched one after another, so consoles hear them in commit order.
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: Deps) {}

  /** Subscribe a console; returns the unsubscribe function. Starts listening on first use. */
  async subscribe(actor: StaffActor, send: (n: AlertNotice) => void): Promise<() => void> {
    const sub: Subscriber = { actor, send };
    this.subscribers.add(sub);
    await this.start();
    return () => this.subscribers.delete(sub);
  }

  get size(): number {
    return this.subscribers.size;
  }

  private start(): Promise<() => Promise<void>> {
    if (!this.listening) {
      const onPayload = (payload: string) => {
        this.chain = this.chain.then(() => this.dispatch(payload));
      };
      this.listening = listenChannel(this.deps.dbHandle, ALERTS_CHANNEL, onPayload);
      this.listening.catch((err) => {
        this.deps.logger.error({ err: { message: (err as Error).message } }, 'alert listener failed; consoles will not update live');
        this.listening = null;
      });
    }
    return this.listening;
  }

  private async dispatch(payload: string): Promise<void> {
    const notice = parseAlertNotice(payload);
    if (!notice) return;
    const byScope = new Map<string, Subscriber[]>();
    for (const s of this.subscribers) {
      const k = scopeKey(s.actor);
      byScope.set(k, [...(byScope.get(k) ?? []), s]);
    }
    let heard = false;
    for (const group of byScope.values()) {
      try {
        if (await alertVisibleTo(this.deps.db, group[0]!.actor, notice.alertId)) {
          for (const s of group) s.send(notice);
          heard = true;
        }
      } catch (err) {
        this.deps.logger.warn({ err: { message: (err as Error).message }, alertId: notice.alertId }, 'alert notice scope check failed');
      }
    }
    // A red answer → the nurses' screens, as the operators' SLO reads it (once a notice, where a console heard it).
    const at = notice.created && notice.at ? new Date(notice.at) : null;
    if (heard && at && !Number.isNaN(at.getTime())) observeAlertNotice(notice.severity, at, this.deps.now());
  }

  /** Stop listening (tests, shutdown). */
  async close(): Promise<void> {
    const l = this.listening;
    this.listening = null;
    this.subscribers.clear();
    if (l) await (await l.catch(() => async () => {}))().catch(() => {});
  }
}
