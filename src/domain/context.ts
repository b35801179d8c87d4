import type { Db, DbOrTx } from '../../db/client';
import type { StaffRole } from '../../db/schema';
import type { SenderAhead } from './checks/answer-read-ahead';

/** Who is acting. Verbs check scope against this, and write it into the audit row. */
export type Actor =
  | {
      kind: 'staff';
      staffId: string;
      role: StaffRole;
      jurisdictionId: string | null;
      jurisdictionPath: string | null; // e.g. "/JP/13/" — scope by prefix
      institutionId: string | null;
      /** facility_reporter only: the one facility it reports for (staff_users.facility_id). */
      facilityId?: string | null;
      via: 'session' | 'token';
    }
  | { kind: 'system'; name: string }
  | { kind: 'patient'; personId: string; channel: 'line' | 'sms' | 'voice' | 'web' }
  | { kind: 'webhook'; provider: string };

export interface RequestInfo {
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

/** What every verb receives: the actor, the transaction, the request and the time. */
export interface Ctx {
  actor: Actor;
  tx: DbOrTx;
  now: Date;
  request?: RequestInfo;
  /** What a batch of answers read ahead for this sender's first event (answer-read-ahead.ts); absent: read it. */
  ahead?: SenderAhead;
}

export interface VerbArgs<I> {
  ctx: Ctx;
  input: I;
}

/** Run `fn` with a ctx whose tx is a fresh transaction: the verb and its audit row commit together. */
export async function withTransaction<T>(db: Db, base: Omit<Ctx, 'tx'>, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => fn({ ...base, tx }));
}

export const systemActor = (name: string): Actor => ({ kind: 'system', name });

export function actorId(actor: Actor): string | null {
  switch (actor.kind) {
    case 'staff':
      return actor.staffId;
    case 'system':
      return actor.name;
    case 'patient':
      return actor.personId;
    case 'webhook':
      return actor.provider;
  }
}
