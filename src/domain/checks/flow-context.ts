import { and, asc, eq, gt, inArray, lte, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client';
import { checkSessions, jurisdictions, persons } from '../../../db/schema';
import { isJapanese, voiceFor, type Channel, type FlowContext, type HistoryDay, type Lang, type ObservationValue } from '../../flows';
import type { Ctx } from '../context';
import { NotFoundError } from '../errors';
import { OPEN_SESSION_STATUSES, type CheckSession } from './session';
import { isCentreOpenAt } from '../opening-hours/centre-open';
import { ageOn, daysBetween, localDateOf } from '../time';
import { contactLanguageSql } from '../households/contact-reachable';

export const HISTORY_DAYS = 14;

type PersonRow = typeof persons.$inferSelect;

/**
 * The language a member of a household whose reporter is a contact (not a person) is asked
 * in: the contact's — she hears and reads the member's questions (household-contact.ts).
 * Null for everyone else (their own preferred language).
 */
const contactLang = contactLanguageSql(persons.id);

/** Risk factors the engine escalates on: age ≥ 65 (derived), underlying conditions, pregnancy, and those recorded. */
export function riskFactorsOf(p: Pick<PersonRow, 'riskFactors' | 'underlyingConditions' | 'pregnant' | 'dateOfBirth'>, localDate: string): string[] {
  const factors = new Set(p.riskFactors);
  if (p.dateOfBirth && ageOn(p.dateOfBirth, localDate) >= 65) factors.add('age65');
  if (p.underlyingConditions.length > 0) factors.add('underlying_condition');
  if (p.pregnant) factors.add('pregnancy');
  return [...factors].sort();
}

// Sessions of today that are over: their answers are earlier reports. The session being
// answered is still prompted/active while the engine runs, so it is never its own history.
const CLOSED_SESSION_STATUSES = ['completed', 'missed', 'cancelled'];

/**
 * Earlier reports, oldest first: one entry per earlier local date (the last answer of the
 * day wins), then one per earlier round of `localDate` itself (two rounds a day: the
 * afternoon check sees this morning's SpO2).
 */
export async function loadHistory(db: DbOrTx, personId: string, localDate: string): Promise<HistoryDay[]> {
  const [row] = await queryRows<{ history: HistoryRow[] }>(db, sql`select ${historyJson(sql`${personId}::uuid`, sql`${localDate}::date`)} as history`);
  return historyOf(row?.history ?? [], localDate);
}

/** One observation of the history (historyJson). */
interface HistoryRow {
  localDate: string;
  sessionId: string;
  round: string;
  sessionStatus: string;
  questionId: string;
  value: unknown;
  status: string;
}

function historyOf(rows: readonly HistoryRow[], localDate: string): HistoryDay[] {
  const byDate = new Map<string, Record<string, ObservationValue>>();
  const todayBySession = new Map<string, HistoryDay>();
  for (const r of rows) {
    if (r.status !== 'answered') continue;
    if (r.localDate < localDate) {
      const values = byDate.get(r.localDate) ?? {};
      values[r.questionId] = r.value as ObservationValue;
      byDate.set(r.localDate, values);
    } else if (CLOSED_SESSION_STATUSES.includes(r.sessionStatus)) {
      const report = todayBySession.get(r.sessionId) ?? { localDate: r.localDate, round: r.round, values: {} };
      report.values[r.questionId] = r.value as ObservationValue;
      todayBySession.set(r.sessionId, report);
    }
  }
  return [...[...byDate.entries()].map(([d, values]) => ({ localDate: d, values })), ...todayBySession.values()];
}

/** The columns a context is built from (openingContextOf): selected alone where a batch needs only them. */
export const contextColumns = {
  p: {
    id: persons.id, monitoringStart: persons.monitoringStart, preferredLanguage: persons.preferredLanguage, dateOfBirth: persons.dateOfBirth, riskFactors: persons.riskFactors,
    underlyingConditions: persons.underlyingConditions, pregnant: persons.pregnant, hasOximeter: persons.hasOximeter, classification: persons.classification,
  },
  centre: {
    timeZone: jurisdictions.timeZone, nameJa: jurisdictions.nameJa, nameEn: jurisdictions.nameEn, phone: jurisdictions.phone, afterHoursPhone: jurisdictions.afterHoursPhone,
    openingHours: jurisdictions.openingHours,
  },
};

/** A session locked for the rest of the transaction, with the builder of its engine context. */
export interface LockedSession {
  session: CheckSession;
  flowContext: (channel: Channel, now: Date) => FlowContext;
}

/**
 * Days before the history's first local date from which its observations are read by time
 * (person_id, observed_at): an answer is given on or after its session's local date, which
 * begins at most a day before that date's midnight in UTC anywhere; three is a margin.
 */
const HISTORY_SLACK_DAYS = 3;

/**
 * A person's history (HISTORY_DAYS before `localDate`, to it) as one json array of
 * observations with their sessions — for a person and date given as values (loadHistory) or
 * as the columns of the sessions a statement locks. The person's observations are read once,
 * by time (observations_person_time_idx), and the window's sessions joined by hash: driven by
 * the sessions instead, PostgreSQL probed two observation indexes for each of the 14 days'
 * sessions — 100 blocks a person, a quarter of the database's statement time at 400 answers/s
 * (topology bench, --statements), against 11 now.
 */
function historyJson(personId: SQLWrapper, localDate: SQLWrapper): SQL<HistoryRow[]> {
  const o = sql.raw('o');
  const h = sql.raw('h');
  return sql<HistoryRow[]>`(with ${o} as materialized (select session_id, question_id, value, status, observed_at from observations
      where person_id = ${personId} and observed_at >= (${localDate} - ${HISTORY_DAYS + HISTORY_SLACK_DAYS}::int)::timestamp at time zone 'UTC')
    select coalesce(json_agg(json_build_object('localDate', ${h}.local_date, 'sessionId', ${h}.id, 'round', ${h}.round, 'sessionStatus', ${h}.status, 'questionId', ${o}.question_id, 'value', ${o}.value, 'status', ${o}.status) order by ${h}.local_date, ${o}.observed_at), '[]'::json)
    from ${o} join check_sessions ${h} on ${h}.id = ${o}.session_id
    where ${h}.person_id = ${personId} and ${h}.local_date <= ${localDate} and ${h}.local_date >= ${localDate} - ${HISTORY_DAYS}::int)`;
}

/**
 * Sessions locked (FOR UPDATE OF check_sessions: the joined rows are read, not locked; after
 * waiting for another writer PostgreSQL returns the row as that writer committed it) and
 * read in the same statement with the person, their centre and the history the engine
 * needs (historyJson). Locked in id order, so two batches locking overlapping sets
 * cannot deadlock on each other.
 */
async function lockSessionsWithContext(tx: Ctx['tx'], where: SQL): Promise<LockedSession[]> {
  const rows = await tx
    .select({
      s: checkSessions,
      p: contextColumns.p,
      centre: contextColumns.centre,
      contactLang,
      history: historyJson(checkSessions.personId, checkSessions.localDate),
    })
    .from(checkSessions)
    .innerJoin(persons, eq(persons.id, checkSessions.personId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(where)
    .orderBy(asc(checkSessions.id))
    .for('update', { of: checkSessions });
  return rows.map((row) => {
    const history = historyOf(row.history, row.s.localDate);
    return { session: row.s, flowContext: (channel: Channel, now: Date) => ({ ...openingContextOf(row, channel, now, row.s.localDate), history }) };
  });
}

/**
 * The answer path's one read: lock the session and read its engine context
 * (lockSessionsWithContext). Three round trips of the answer path become one — none when
 * a batch read it ahead (`ctx.ahead`, answer-read-ahead.ts). Null when there is no session.
 */
export async function lockSessionWithContext(ctx: Pick<Ctx, 'tx' | 'ahead'>, sessionId: string): Promise<LockedSession | null> {
  const ahead = ctx.ahead?.takeLocked(sessionId);
  if (ahead) return ahead;
  const [locked] = await lockSessionsWithContext(ctx.tx, eq(checkSessions.id, sessionId));
  return locked ?? null;
}

/**
 * The open sessions of these persons due by `dueBy` and not expired at `openAt`, locked
 * with their engine contexts: a batch of answers reads them all at once (answer-read-ahead.ts).
 */
export async function lockOpenSessionsWithContext(tx: Ctx['tx'], personIds: readonly string[], window: { dueBy: Date; openAt: Date }): Promise<LockedSession[]> {
  if (personIds.length === 0) return [];
  return lockSessionsWithContext(
    tx,
    and(inArray(checkSessions.personId, [...personIds]), inArray(checkSessions.status, [...OPEN_SESSION_STATUSES]), gt(checkSessions.expiresAt, window.openAt), lte(checkSessions.dueAt, window.dueBy))!,
  );
}

/** Everything the pure engine needs about a person, their centre and their history, at `now`. */
export async function buildFlowContext(db: DbOrTx, personId: string, channel: Channel, now: Date, localDate?: string): Promise<FlowContext> {
  const [row] = await db
    .select({ p: persons, centre: jurisdictions, contactLang })
    .from(persons)
    .innerJoin(jurisdictions, eq(jurisdictions.id, persons.responsibleCentreId))
    .where(eq(persons.id, personId));
  if (!row) throw new NotFoundError('person', personId);
  const context = openingContextOf(row, channel, now, localDate);
  return { ...context, history: await loadHistory(db, personId, context.localDate) };
}

/** A person and their centre, as far as a context reads them. */
export interface ContextSubject {
  p: Pick<PersonRow, keyof typeof contextColumns.p>;
  centre: Pick<typeof jurisdictions.$inferSelect, keyof typeof contextColumns.centre>;
  /** The language of the contact who answers for the person (contactLanguageSql), which the check then speaks. */
  contactLang?: string | null;
}

/**
 * The context a check opens with, without history: enough to open a check (what is asked
 * first may depend on the person — a branch on hasOximeter, their age — but not on earlier
 * answers, which no rule reads before the first answer). A batch loads its subjects with
 * contextColumns in the query it makes anyway (the LINE dispatch rows).
 */
export function openingContextOf(row: ContextSubject, channel: Channel, now: Date, localDate: string | undefined): FlowContext & { localDate: string } {
  const { centre } = row;
  const p = row.contactLang ? { ...row.p, preferredLanguage: row.contactLang } : row.p;
  const date = localDate ?? localDateOf(now, centre.timeZone);
  const start = p.monitoringStart ?? date;
  return {
    now: now.toISOString(),
    channel,
    // A call in a language Twilio cannot speak (Nepali: such persons get the web link instead) is spoken in English.
    lang: channel === 'voice' && !voiceFor(p.preferredLanguage as Lang) ? 'en' : (p.preferredLanguage as Lang),
    localDate: date,
    timeZone: centre.timeZone,
    subject: {
      age: p.dateOfBirth ? ageOn(p.dateOfBirth, date) : undefined,
      riskFactors: riskFactorsOf(p, date),
      hasOximeter: p.hasOximeter,
      classification: p.classification,
      monitoringDay: Math.max(1, daysBetween(start, date) + 1),
    },
    healthCentre: { name: isJapanese(p.preferredLanguage as Lang) || p.preferredLanguage === 'zh-Hans' ? centre.nameJa : centre.nameEn, phone: centre.phone ?? '', isOpen: isCentreOpenAt(centre, now), ...(centre.afterHoursPhone ? { afterHoursPhone: centre.afterHoursPhone } : {}) },
    history: [],
  };
}
