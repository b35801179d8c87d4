import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import type { observations } from '../../../db/schema';
import type { SessionState } from '../../flows';
import { findLineLinks, type LineLink } from '../channels/person-on-channel';
import { lockOpenSessionsWithContext, type LockedSession } from './flow-context';
import type { CheckSession, SessionRef } from './session';

/**
 * What a batch of answers reads once for all its senders (issue 16, the set-based batch):
 * instead of each answer's own channel look-up, open-session read and lock with context
 * (three statements an answer), two statements a batch — every sender's LINE link, then
 * the open sessions of every sender outside a household, locked with their engine context.
 *
 * Only a sender's first event of the batch may use it (`take` hands it out once): a later
 * event of the same sender reads again, after the first changed what was read. Persons in a
 * household (reporters and members) are read as before: a reporter's answer changes a
 * member's session, which another sender of the same batch may be.
 */
export interface SenderAhead {
  /** The sender's person, who is in no household (only such a person is read ahead): they report for nobody else. */
  personId: string;
  /** The session locked with its context, handed out once (answerCheck); undefined: lock it from the database. */
  takeLocked(sessionId: string): LockedSession | undefined;
  /** The person's newest open session due at `now` (householdOpenSession for a person outside a household). */
  openSession(now: Date): CheckSession | null;
  /** The person's open session a button names; undefined: not among the open ones read, ask the database. */
  namedSession(ref: SessionRef): CheckSession | undefined;
  /** Leave an answer's writes (applyStep) to the batch, written with the others' before anything reads them (LineReadAhead.write). */
  deferStep(step: DeferredStep): void;
}

/** What applyStep writes for one answer: its observations and the session's new state. */
export interface DeferredStep {
  sessionId: string;
  observations: (typeof observations.$inferInsert)[];
  state: SessionState;
  completed: boolean;
  at: Date;
}

export interface LineReadAhead {
  /** A LINE user's link and, outside a household, the person's sessions; once a user (the sender's first event). */
  take(userId: string): { link: LineLink; ahead: SenderAhead | null } | undefined;
  /**
   * Write the answers left so far (every observation in one insert, every session's state
   * in one update: one statement). The caller does it before the transaction commits and
   * before handling anything that may read them (an event not read ahead).
   */
  write(tx: DbOrTx): Promise<void>;
}

/** Read the batch's LINE senders ahead: their links, and the open sessions (locked) of those outside a household, due by the latest event. */
export async function readAheadLine(tx: DbOrTx, events: readonly { userId: string; at: Date }[]): Promise<LineReadAhead> {
  const users = [...new Set(events.map((e) => e.userId).filter(Boolean))];
  const links = await findLineLinks(tx, users);
  const solo = [...links.values()].filter((l) => !l.inHousehold).map((l) => l.personId);
  const times = events.map((e) => e.at.getTime());
  const locked = await lockOpenSessionsWithContext(tx, solo, { dueBy: new Date(Math.max(...times)), openAt: new Date(Math.min(...times)) });
  const byPerson = new Map<string, LockedSession[]>();
  for (const l of locked) byPerson.set(l.session.personId, [...(byPerson.get(l.session.personId) ?? []), l]);
  const taken = new Set<string>();
  const steps: DeferredStep[] = [];
  return {
    async write(tx) {
      const batch = steps.splice(0);
      if (batch.length) await writeSteps(tx, batch);
    },
    take(userId) {
      const found = links.get(userId);
      if (!found || taken.has(userId)) return undefined;
      taken.add(userId);
      const { inHousehold, ...link } = found;
      return { link, ahead: inHousehold ? null : senderAhead(link.personId, byPerson.get(link.personId) ?? [], (s) => steps.push(s)) };
    },
  };
}

function senderAhead(personId: string, sessions: LockedSession[], deferStep: (step: DeferredStep) => void): SenderAhead {
  const open = new Map(sessions.map((l) => [l.session.id, l]));
  const list = () => [...open.values()].map((l) => l.session);
  return {
    personId,
    deferStep,
    takeLocked(sessionId) {
      const l = open.get(sessionId);
      open.delete(sessionId);
      return l;
    },
    openSession(now) {
      const due = list().filter((s) => s.expiresAt > now && s.dueAt <= now);
      due.sort((a, b) => b.dueAt.getTime() - a.dueAt.getTime());
      return due[0] ?? null;
    },
    namedSession(ref) {
      return list().find((s) => ('sessionId' in ref ? s.id === ref.sessionId : s.localDate === ref.localDate && s.round === ref.round));
    },
  };
}

/**
 * Every deferred answer's observations (one per session and question: a replay inserts
 * nothing) and session state (as applyStep: completed clears the reminder chain's next
 * action) in one statement of a data-modifying CTE.
 */
async function writeSteps(tx: DbOrTx, steps: readonly DeferredStep[]): Promise<void> {
  // Both sets as one json parameter each: a statement of two parameters whatever the batch,
  // prepared once per connection (a row-per-parameter insert of a large batch is planned every time).
  const rows = steps.flatMap((s) =>
    s.observations.map((o) => ({
      person_id: o.personId, session_id: o.sessionId, question_id: o.questionId, kind: o.kind, value_number: o.valueNumber ?? null, value_text: o.valueText ?? null,
      value: o.value ?? null, unit: o.unit ?? null, raw: o.raw ?? null, status: o.status, channel: o.channel, observed_at: (o.observedAt as Date).toISOString(),
      answered_by_person_id: o.answeredByPersonId ?? null, answered_by_household_id: o.answeredByHouseholdId ?? null,
    })),
  );
  const sessions = steps.map((s) => ({ id: s.sessionId, state: s.state, completed: s.completed, at: s.at.toISOString() }));
  await tx.execute(sql`with recorded as (
      insert into observations (person_id, session_id, question_id, kind, value_number, value_text, value, unit, raw, status, channel, observed_at, answered_by_person_id, answered_by_household_id)
      select person_id, session_id, question_id, kind, value_number, value_text, value, unit, raw, status, channel, observed_at, answered_by_person_id, answered_by_household_id
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as o(person_id uuid, session_id uuid, question_id text, kind text, value_number float8, value_text text, value jsonb,
        unit text, raw text, status text, channel text, observed_at timestamptz, answered_by_person_id uuid, answered_by_household_id uuid)
      on conflict do nothing)
    update check_sessions s set
      state = v.state,
      status = case when v.completed then 'completed' else 'active' end,
      completed_at = case when v.completed then v.at else null end,
      next_action_at = case when v.completed then null else s.next_action_at end,
      updated_at = v.at
    from jsonb_to_recordset(${JSON.stringify(sessions)}::jsonb) as v(id uuid, state jsonb, completed boolean, at timestamptz)
    where s.id = v.id`);
}
