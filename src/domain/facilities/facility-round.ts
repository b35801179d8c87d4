import { and, eq, inArray, sql } from 'drizzle-orm';
import { checkSessions, facilities, facilityRounds, jurisdictions, MONITORED_STATUSES, type FacilityKind } from '../../../db/schema';
import { appSecret, type Env } from '../../config/env';
import type { Input, SessionState } from '../../flows';
import { raiseAlert } from '../alerts/raise-alert';
import { answerCheck } from '../checks/answer-check';
import { isSessionOpen, sessionState } from '../checks/session';
import { startCheck } from '../checks/start-check';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { requirePermission } from '../permissions';
import { instantOf, localDateOf } from '../time';
import { createWebLinkSigner, type WebLinkSigner } from '../web/link-token';
import { facilityInScope, facilityResidentRows } from './facility-verbs';

const FACILITY_LINK_DOMAIN = 'mimamori/facility-round/v1';
const signers = new Map<string, WebLinkSigner>();

/** The signer of facility round links: the web check's token format under its own domain, so a check link is never a round link. */
export function facilityRoundKeys(env: Env): { signer: WebLinkSigner; baseUrl: string } {
  const secret = appSecret(env);
  let signer = signers.get(secret);
  if (!signer) signers.set(secret, (signer = createWebLinkSigner(secret, FACILITY_LINK_DOMAIN)));
  return { signer, baseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, '') };
}

/** The round of `roundTimes` that is running at `localTime` ("HH:MM"), or the first of the day before it. */
function currentRound(roundTimes: readonly string[], localTime: string): { round: string; next: string | null } {
  const sorted = [...roundTimes].sort();
  let i = sorted.findLastIndex((t) => t <= localTime);
  if (i < 0) i = 0;
  return { round: sorted[i]!, next: sorted[i + 1] ?? null };
}

/**
 * The signed link of a facility's round (today's round running now, or the one given):
 * `/f/<token>`, the token naming only the round and its end — no personal data. The
 * round row is created on first issue; a second issue returns a link to the same round.
 * @example const { url } = await issueFacilityRoundLink({ ctx, input: { facilityId }, keys: facilityRoundKeys(env) })
 */
export async function issueFacilityRoundLink({ ctx, input, keys }: VerbArgs<{ facilityId: string; localDate?: string; round?: string }> & { keys: ReturnType<typeof facilityRoundKeys> }): Promise<{ roundId: string; round: string; url: string; path: string; expiresAt: Date }> {
  requirePermission(ctx.actor, 'issueFacilityRoundLink');
  const facility = await facilityInScope(ctx, input.facilityId);
  const row = await roundRow(ctx, facility, input);
  const token = await keys.signer.sign(row!.id, row!.expiresAt);
  await writeAudit(ctx, { action: 'issue_link', entity: 'facility_round', entityId: row!.id });
  return { roundId: row!.id, round: row!.round, path: `/f/${token}`, url: `${keys.baseUrl}/f/${token}`, expiresAt: row!.expiresAt };
}

/**
 * The row of a facility's round (today's running now, or the one given), created on first
 * use — by the link's issue or by the facility account's page, whichever comes first.
 */
export async function roundRow(ctx: Ctx, facility: typeof facilities.$inferSelect, input: { localDate?: string; round?: string } = {}) {
  if (!facility.active) throw new ConflictError('the facility is deactivated', undefined, 'この施設は無効です');
  const tz = await centreZone(ctx, facility.responsibleCentreId);
  const localDate = input.localDate ?? localDateOf(ctx.now, tz);
  const nowTime = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ctx.now);
  const { round, next } = input.round ? { round: input.round, next: [...facility.roundTimes].sort().find((t) => t > input.round!) ?? null } : currentRound(facility.roundTimes, nowTime);
  const expiresAt = next ? instantOf(localDate, next, tz) : instantOf(localDate, '23:59', tz);
  await ctx.tx.insert(facilityRounds).values({ facilityId: facility.id, localDate, round, expiresAt, createdAt: ctx.now }).onConflictDoNothing();
  const [row] = await ctx.tx.select().from(facilityRounds).where(and(eq(facilityRounds.facilityId, facility.id), eq(facilityRounds.localDate, localDate), eq(facilityRounds.round, round)));
  return row!;
}

async function centreZone(ctx: Pick<Ctx, 'tx'>, centreId: string): Promise<string> {
  const [c] = await ctx.tx.select({ tz: jurisdictions.timeZone }).from(jurisdictions).where(eq(jurisdictions.id, centreId));
  return c?.tz ?? 'Asia/Tokyo';
}

export interface FacilityRoundView {
  roundId: string;
  facility: { id: string; name: string; kind: FacilityKind };
  localDate: string;
  round: string;
  expiresAt: Date;
  submittedAt: Date | null;
  /** Open: can be submitted (not yet submitted, not past its end). */
  open: boolean;
  residents: { personId: string; name: string; room: string | null; entered: boolean }[];
}

/** What a round link leads to: null for anything that is not one of our round links (nothing is told). */
export async function resolveFacilityRound(db: Ctx['tx'], signer: WebLinkSigner, token: string, now: Date): Promise<FacilityRoundView | null> {
  const verified = await signer.verify(token);
  if (!verified.ok) return null;
  return facilityRoundView(db, verified.sessionId, now, verified.expiresAt);
}

/** One round's page as the link and the facility's account both show it (the caller has checked access). */
export async function facilityRoundView(db: Ctx['tx'], roundId: string, now: Date, linkExpiresAt?: Date): Promise<FacilityRoundView | null> {
  const [row] = await db.select({ r: facilityRounds, f: facilities }).from(facilityRounds).innerJoin(facilities, eq(facilities.id, facilityRounds.facilityId)).where(eq(facilityRounds.id, roundId));
  if (!row) return null;
  const residents = (await facilityResidentRows(db, row.f.id)).filter((r) => MONITORED_STATUSES.includes(r.status));
  const entered = new Set<string>();
  if (row.r.submittedAt && residents.length) {
    const missing = new Set(row.r.missingPersonIds ?? []);
    for (const r of residents) if (!missing.has(r.personId)) entered.add(r.personId);
  }
  return {
    roundId: row.r.id,
    facility: { id: row.f.id, name: row.f.name, kind: row.f.kind },
    localDate: row.r.localDate,
    round: row.r.round,
    expiresAt: row.r.expiresAt,
    submittedAt: row.r.submittedAt,
    open: !row.r.submittedAt && row.r.expiresAt > now && (!linkExpiresAt || linkExpiresAt > now),
    residents: residents.map((r) => ({ personId: r.personId, name: r.name, room: r.room, entered: entered.has(r.personId) })),
  };
}

/** One row of the page as typed: everything a string, symptoms the ticked choice values. */
export interface FacilityRow {
  personId: string;
  temperature: string;
  spo2: string;
  symptoms: string[];
  comment: string;
}

export interface RowProblem {
  personId: string;
  field: 'temperature' | 'spo2' | 'symptoms' | 'comment' | 'flow';
  messageJa: string;
  message: string;
}

const entered = (r: FacilityRow) => r.temperature.trim() !== '' || r.spo2.trim() !== '' || r.symptoms.length > 0 || r.comment.trim() !== '';

/** What the page's columns answer, by the question the resident's check waits on. */
function inputFor(row: FacilityRow, questionId: string): Input | null {
  switch (questionId) {
    case 'temperature':
      return { type: 'message', text: row.temperature.trim() };
    case 'spo2':
      return { type: 'message', text: row.spo2.trim() };
    case 'symptoms':
      return { type: 'choice', questionId, value: row.symptoms.length ? row.symptoms : ['none'] };
    case 'comment':
      return { type: 'message', text: row.comment.trim() };
    default:
      return null;
  }
}

/**
 * 施設一括報告: record a facility's round page in one transaction. Each entered row goes
 * through answerCheck — the same verb, engine and rules as any answer — into that
 * resident's check of the round (source 'facility'), so a red rule raises that resident's
 * alert. A value the engine does not accept (a temperature of 「abc」, SpO2 120) refuses
 * the whole page with the row and column, so nothing is half recorded. Residents left
 * blank are the facility's non-responders: one alert for the facility, not one each. A
 * second submit (a reload, a second tablet, the link and the facility's account) records
 * nothing: the round is locked and already submitted.
 *
 * Doors: the signed link (a system actor; `submittedBy` 'link') and a staff member — the
 * facility's own account or a nurse — whose scope must hold the facility; then the round
 * records who submitted (`staff:<id>`), and the answers are recorded as the facility
 * (a patient's answers are never a staff verb).
 */
export async function submitFacilityRound({ ctx: outer, input }: VerbArgs<{ roundId: string; rows: FacilityRow[]; submittedBy?: string }>): Promise<{ already: boolean; entered: number; missing: number; alertIds: string[] }> {
  requirePermission(outer.actor, 'submitFacilityRound');
  await outer.tx.execute(sql`select id from facility_rounds where id = ${input.roundId} for update`);
  const [round] = await outer.tx.select({ r: facilityRounds, f: facilities }).from(facilityRounds).innerJoin(facilities, eq(facilities.id, facilityRounds.facilityId)).where(eq(facilityRounds.id, input.roundId));
  if (!round) throw new NotFoundError('facility_round', input.roundId);
  if (outer.actor.kind === 'staff') await facilityInScope(outer, round.f.id);
  const submittedBy = outer.actor.kind === 'staff' ? `staff:${outer.actor.staffId}` : (input.submittedBy ?? null);
  const ctx: Ctx = outer.actor.kind === 'staff' ? { ...outer, actor: { kind: 'system', name: `facility:${round.f.id}` } } : outer;
  if (round.r.submittedAt || round.r.expiresAt <= ctx.now) return { already: true, entered: 0, missing: 0, alertIds: [] };
  const residents = (await facilityResidentRows(ctx.tx, round.f.id)).filter((r) => MONITORED_STATUSES.includes(r.status));
  const byPerson = new Map(input.rows.filter((r) => residents.some((x) => x.personId === r.personId)).map((r) => [r.personId, r]));
  const problems: RowProblem[] = [];
  const alertIds: string[] = [];
  let count = 0;
  for (const resident of residents) {
    const row = byPerson.get(resident.personId);
    if (!row || !entered(row)) continue;
    if (row.temperature.trim() === '') {
      problems.push({ personId: resident.personId, field: 'temperature', messageJa: '体温を入力してください', message: 'Enter the temperature' });
      continue;
    }
    count++;
    const sessionId = await residentSession(ctx, resident.personId, round.r.localDate, round.r.round);
    for (let step = 0; step < 8; step++) {
      const state = await sessionState(ctx.tx, sessionId);
      if (state?.status === 'completed') break;
      const questionId = state?.nodeId ?? 'temperature';
      const answer = inputFor(row, questionId);
      if (!answer) {
        problems.push({ personId: resident.personId, field: 'flow', messageJa: 'この入所者は施設の質問フローではありません', message: 'This resident answers another flow' });
        break;
      }
      const outcome = await answerCheck({ ctx, input: { sessionId, input: answer, channel: 'web' } });
      if (outcome.closed) break;
      alertIds.push(...outcome.alertIds);
      const after = (await sessionState(ctx.tx, sessionId)) as SessionState | null;
      if (after?.nodeId === questionId && after.status !== 'completed') {
        const field = questionId as RowProblem['field'];
        problems.push({ personId: resident.personId, field, messageJa: '値を確認してください', message: 'Check this value' });
        break;
      }
    }
  }
  // Refused as a whole: the caller's transaction rolls back every row recorded above.
  if (problems.length) throw new ValidationError(problems.map((p) => ({ field: `${p.field}.${p.personId}`, message: p.message, messageJa: p.messageJa })));

  const missing = residents.filter((r) => !entered(byPerson.get(r.personId) ?? { personId: '', temperature: '', spo2: '', symptoms: [], comment: '' }));
  await ctx.tx.update(facilityRounds).set({ submittedAt: ctx.now, submittedBy, missingPersonIds: missing.map((m) => m.personId) }).where(eq(facilityRounds.id, round.r.id));
  if (missing.length) alertIds.push(await raiseFacilityNonResponder(ctx, round.r.id, round.f.name, missing.map((m) => m.personId), residents.length));
  await writeAudit(outer, { action: 'submit', entity: 'facility_round', entityId: round.r.id, details: { entered: count, missing: missing.length } });
  return { already: false, entered: count, missing: missing.length, alertIds: [...new Set(alertIds)] };
}

/**
 * The facility's non-responders as ONE alert (amber): which residents were not reported.
 * An alert belongs to a person (scope, queue, escalation), so it is raised on the first
 * resident not reported (room order), and lists them all; its dedupe key is the round.
 */
export async function raiseFacilityNonResponder(ctx: Ctx, roundId: string, facilityName: string, missing: string[], total: number): Promise<string> {
  const { id } = await raiseAlert({
    ctx: ctx.actor.kind === 'staff' ? ctx : { ...ctx, actor: { kind: 'system', name: 'facility-round' } },
    input: {
      personId: missing[0]!,
      severity: 'amber',
      reason: 'facility_non_responder',
      reasons: [{
        ruleId: 'facility_non_responder',
        ja: `施設「${facilityName}」の報告で ${missing.length}/${total} 人が未記入`,
        en: `Facility "${facilityName}": ${missing.length} of ${total} residents not reported`,
        values: { roundId, missingPersonIds: missing },
      }],
      dedupeKey: `facility-round:${roundId}`,
    },
  });
  return id;
}

/** The resident's check of this round: the one the round created, else a new one (started now, source 'facility'). */
async function residentSession(ctx: Ctx, personId: string, localDate: string, round: string): Promise<string> {
  const [s] = await ctx.tx.select().from(checkSessions).where(and(eq(checkSessions.personId, personId), eq(checkSessions.localDate, localDate), eq(checkSessions.round, round)));
  if (s && isSessionOpen(s, ctx.now)) return s.id;
  const started = await startCheck({ ctx: { ...ctx, actor: { kind: 'system', name: 'facility-round' } }, input: { personId, channel: 'web', source: 'patient' } });
  await ctx.tx.update(checkSessions).set({ source: 'facility', updatedAt: ctx.now }).where(inArray(checkSessions.id, [started.sessionId]));
  return started.sessionId;
}
