import { listenChannel } from '../../../../db/client';
import type { Deps } from '../../../deps';
import { NOTIFICATIONS_CHANNEL } from '../../../domain/notifications/notification-scope';
import { notificationVisibleTo } from '../../../domain/notifications/notification-visible';
import type { StaffActor } from '../../auth/types';

export interface NotificationNotice {
  notificationId: string;
  status: string;
}

interface Subscriber {
  actor: StaffActor;
  send(n: NotificationNotice): void;
}

type Unlisten = () => Promise<void>;

/**
 * The 「届出受理」 queue's live feed, like the alert queue's (src/admin/pages/triage/alert-hub.ts):
 * one PostgreSQL LISTEN per process on 'mimamori_notifications' (the notification verbs
 * NOTIFY on commit), each notice checked against the actor's scope before a console hears
 * of it. Several app processes each listen; none relies on another's memory.
 */
export class NotificationHub {
  private subscribers = new Set<Subscriber>();
  private listening: Promise<Unlisten> | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: Deps) {}

  async subscribe(actor: StaffActor, send: (n: NotificationNotice) => void): Promise<() => void> {
    const sub = { actor, send };
    this.subscribers.add(sub);
    await this.start();
    return () => this.subscribers.delete(sub);
  }

  private start(): Promise<Unlisten> {
    if (!this.listening) {
      const onPayload = (payload: string) => {
        this.chain = this.chain.then(() => this.dispatch(payload));
      };
      this.listening = listenChannel(this.deps.dbHandle, NOTIFICATIONS_CHANNEL, onPayload);
      this.listening.catch((err) => {
        this.deps.logger.error({ err: { message: (err as Error).message } }, 'notification listener failed; consoles will not update live');
        this.listening = null;
      });
    }
    return this.listening;
  }

  private async dispatch(payload: string): Promise<void> {
    let notice: NotificationNotice;
    try {
      notice = JSON.parse(payload) as NotificationNotice;
    } catch {
      return;
    }
    for (const s of [...this.subscribers]) {
      try {
        if (await notificationVisibleTo(this.deps.db, s.actor, notice.notificationId)) s.send({ notificationId: notice.notificationId, status: notice.status });
      } catch (err) {
        this.deps.logger.warn({ err: { message: (err as Error).message } }, 'notification notice scope check failed');
      }
    }
  }

  async close(): Promise<void> {
    const l = this.listening;
    this.listening = null;
    this.subscribers.clear();
    if (l) await (await l.catch(() => async () => {}))().catch(() => {});
  }
}
