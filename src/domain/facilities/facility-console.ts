import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../../db/client';
import { facilities, facilityContacts, facilityResidents, flowAssignments, jurisdictions, MONITORED_STATUS_LITERALS, MONITORED_STATUSES, persons, type FacilityKind } from '../../../db/schema';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ConflictError } from '../errors';
import { requirePermission } from '../permissions';
import { localDateOf } from '../time';
import { parseInput } from '../validation';
import { facilityContactSchema, facilityInScope, facilityResidentRows, facilitySchema } from './facility-verbs';

/**
 * The console's facility verbs (施設一括報告): the list of a staff member's facilities with
 * today's round state, one facility with its residents and recent rounds (audited: it names
 * residents), changing a facility and its contacts, deactivating it, and the persons a
 * nurse may move in. The round page itself is facility-round.ts; sending its link,
 * facility-round-link.ts.
 */

/** A round's state on the console: entered n of m residents once submitted; open; or missed (ended unsubmitted). */
export interface RoundState {
  roundId: string;
  localDate: string;
  round: string;
  state: 'open' | 'submitted' | 'missed';
  entered: number;
  residents: number;
  submittedAt: Date | null;
  expiresAt: Date;
}

function roundState(r: { id: string; local_date: string; round: string; submitted_at: Date | null; expires_at: Date; missing: number | null }, residents: number, now: Date): RoundState {
  const submitted = r.submitted_at !== null;
  const missed = !submitted && new Date(r.expires_at) <= now;
  const missing = r.missing ?? (submitted ? 0 : residents);
  return {
    roundId: r.id,
    localDate: String(r.local_date).slice(0, 10),
    round: r.round,
    state: submitted ? 'submitted' : missed ? 'missed' : 'open',
    entered: submitted ? Math.max(residents - missing, 0) : 0,
    residents: submitted || missed ? (r.missing !== null ? Math.max(residents, missing) : residents) : residents,
    submittedAt: r.submitted_at ? new Date(r.submitted_at) : null,
    expiresAt: new Date(r.expires_at),
  };
}

export interface FacilityListItem {
  id: string;
  name: string;
  kind: FacilityKind;
  active: boolean;
  centreName: string;
  roundTimes: string[];
  residents: number;
  contacts: number;
  today: RoundState[];
}

/** Scope condition on a facility's centre path (national officers see every centre). */
function scopeSql(ctx: Ctx) {
  const a = ctx.actor;
  if (a.kind !== 'staff' || a.role === 'national_officer') return sql`true`;
  return sql`j.path like ${`${a.jurisdictionPath ?? '\u0000'}%`}`;
}

/**
 * 施設一覧: the facilities of the staff member's scope with their residents count (persons
 * under monitoring) and today's rounds (entered n / residents m). Counts only — no resident
 * is named, so nothing to audit.
 */
export async function listFacilities({ ctx, input }: VerbArgs<{ includeInactive?: boolean }>): Promise<FacilityListItem[]> {
  requirePermission(ctx.actor, 'listFacilities');
  const rows = await queryRows<{ id: string; name: string; kind: FacilityKind; active: boolean; centre: string; tz: string; round_times: string[]; residents: number; contacts: number }>(
    ctx.tx,
    sql`select f.id, f.name, f.kind, f.active, j.name_ja as centre, j.time_zone as tz, f.round_times,
               (select count(*)::int from facility_residents fr join persons p on p.id = fr.person_id where fr.facility_id = f.id and p.status in (${sql.raw(MONITORED_STATUS_LITERALS)})) as residents,
               (select count(*)::int from facility_contacts c where c.facility_id = f.id) as contacts
        from facilities f join jurisdictions j on j.id = f.responsible_centre_id
        where ${scopeSql(ctx)} ${input.includeInactive ? sql`` : sql`and f.active`}
        order by f.active desc, f.name, f.id`,
  );
  if (!rows.length) return [];
  const today = await queryRows<{ id: string; facility_id: string; local_date: string; round: string; submitted_at: Date | null; expires_at: Date; missing: number | null }>(
    ctx.tx,
    sql`select r.id, r.facility_id, r.local_date::text as local_date, r.round, r.submitted_at, r.expires_at, cardinality(r.missing_person_ids) as missing
        from facility_rounds r join facilities f on f.id = r.facility_id join jurisdictions j on j.id = f.responsible_centre_id
        where r.facility_id in (${sql.join(rows.map((r) => sql`${r.id}::uuid`), sql`, `)})
          and r.local_date = (${ctx.now.toISOString()}::timestamptz at time zone j.time_zone)::date
        order by r.round`,
  );
  return rows.map((f) => ({
    id: f.id,
    name: f.name,
    kind: f.kind,
    active: f.active,
    centreName: f.centre,
    roundTimes: f.round_times,
    residents: f.residents,
    contacts: f.contacts,
    today: today.filter((r) => r.facility_id === f.id).map((r) => roundState(r, f.residents, ctx.now)),
  }));
}

export interface FacilityRoundSummary extends RoundState {
  /** Residents entered / not entered on the page (names: the page is audited). */
  enteredNames: string[];
  missingNames: string[];
  alerts: { id: string; personName: string; severity: string; reason: string }[];
}

export interface FacilityDetail {
  facility: { id: string; name: string; kind: FacilityKind; phone: string | null; active: boolean; roundTimes: string[]; responsibleCentreId: string; centreName: string; timeZone: string };
  contacts: { id: string; name: string; phone: string | null; email: string | null; lineUserId: string | null }[];
  residents: { personId: string; caseNumber: string | null; name: string; room: string | null; status: string }[];
  rounds: FacilityRoundSummary[];
  /** The round links sent to the contacts (the facility's contact log), newest first. */
  contactLog: { id: string; at: Date; channel: string; status: string; contactName: string; round: string | null; localDate: string | null; resend: boolean; errorCode: string | null }[];
}

/**
 * 施設の詳細: the facility, its contacts, residents (room order), the rounds of the last
 * `days` days (who was entered, who not, the alerts raised) and the contact log of its
 * round links. It names residents: one audit row lists them (like the person list).
 */
export async function getFacility({ ctx, input }: VerbArgs<{ facilityId: string; days?: number }>): Promise<FacilityDetail> {
  requirePermission(ctx.actor, 'getFacility');
  const f = await facilityInScope(ctx, input.facilityId);
  const [centre] = await ctx.tx.select({ name: jurisdictions.nameJa, tz: jurisdictions.timeZone }).from(jurisdictions).where(eq(jurisdictions.id, f.responsibleCentreId));
  const tz = centre?.tz ?? 'Asia/Tokyo';
  const contacts = await ctx.tx.select().from(facilityContacts).where(eq(facilityContacts.facilityId, f.id)).orderBy(asc(facilityContacts.createdAt), asc(facilityContacts.id));
  const all = await facilityResidentRows(ctx.tx, f.id);
  const ids = all.map((r) => r.personId);
  const cases = ids.length ? await ctx.tx.select({ id: persons.id, caseNumber: persons.caseNumber }).from(persons).where(inArray(persons.id, ids)) : [];
  const caseOf = new Map(cases.map((c) => [c.id, c.caseNumber]));
  const monitored = all.filter((r) => MONITORED_STATUSES.includes(r.status));
  const nameOf = new Map(all.map((r) => [r.personId, r.name]));

  const since = localDateOf(new Date(ctx.now.getTime() - Math.max(1, Math.min(input.days ?? 7, 31)) * 86_400_000), tz);
  const rounds = await queryRows<{ id: string; local_date: string; round: string; submitted_at: Date | null; expires_at: Date; created_at: Date; missing: number | null; missing_ids: string[] | null }>(
    ctx.tx,
    sql`select id, local_date::text as local_date, round, submitted_at, expires_at, created_at, cardinality(missing_person_ids) as missing, missing_person_ids::text[] as missing_ids
        from facility_rounds where facility_id = ${f.id} and local_date >= ${since}::date
        order by local_date desc, round desc limit 60`,
  );
  // The alerts of each round: the facility's non-responder alert (its dedupe key) and the
  // residents' alerts from their checks of that round (the round's own session, or one the
  // page started: source 'facility', during the round).
  const alertRows = rounds.length && ids.length
    ? await queryRows<{ round_id: string; id: string; person_id: string; severity: string; reason: string }>(
        ctx.tx,
        sql`select r.id as round_id, a.id, a.person_id, a.severity, a.reason
            from facility_rounds r
            join alerts a on a.dedupe_key = 'facility-round:' || r.id::text
               or (a.person_id in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})
                   and a.session_id in (select s.id from check_sessions s where s.person_id = a.person_id
                     and ((s.local_date = r.local_date and s.round = r.round) or (s.source = 'facility' and s.created_at >= r.created_at and s.created_at < r.expires_at))))
            where r.id in (${sql.join(rounds.map((r) => sql`${r.id}::uuid`), sql`, `)})
            order by a.created_at, a.id`,
      )
    : [];
  const summaries: FacilityRoundSummary[] = rounds.map((r) => {
    const state = roundState(r, monitored.length, ctx.now);
    const missing = new Set(r.missing_ids ?? []);
    const enteredNames = state.state === 'submitted' ? monitored.filter((m) => !missing.has(m.personId)).map((m) => m.name) : [];
    const missingNames = state.state === 'open' ? [] : [...missing].map((id) => nameOf.get(id) ?? '—');
    const alerts = alertRows
      .filter((a) => a.round_id === r.id)
      .map((a) => ({ id: a.id, personName: nameOf.get(a.person_id) ?? '—', severity: a.severity, reason: a.reason }));
    return { ...state, enteredNames, missingNames, alerts };
  });

  const log = await queryRows<{ id: string; created_at: Date; channel: string; status: string; error_code: string | null; body: { contactName?: string; roundId?: string; resend?: boolean } | null }>(
    ctx.tx,
    sql`select id, created_at, channel, status, error_code, body - 'text' - 'subject' as body from outbound_messages
        where kind = 'facility_round_link' and body->>'facilityId' = ${f.id}
        order by created_at desc, id limit 50`,
  );
  const roundOf = new Map(rounds.map((r) => [r.id, r]));
  await writeAudit(ctx, { action: 'view', entity: 'facility', entityId: f.id, details: { personIds: ids } });
  return {
    facility: { id: f.id, name: f.name, kind: f.kind, phone: f.phone, active: f.active, roundTimes: f.roundTimes, responsibleCentreId: f.responsibleCentreId, centreName: centre?.name ?? '', timeZone: tz },
    contacts: contacts.map((c) => ({ id: c.id, name: c.name, phone: c.phone, email: c.email, lineUserId: c.lineUserId })),
    residents: all.map((r) => ({ personId: r.personId, caseNumber: caseOf.get(r.personId) ?? null, name: r.name, room: r.room, status: r.status })),
    rounds: summaries,
    contactLog: log.map((l) => {
      const r = l.body?.roundId ? roundOf.get(l.body.roundId) : undefined;
      return { id: l.id, at: new Date(l.created_at), channel: l.channel, status: l.status, contactName: l.body?.contactName ?? '—', round: r?.round ?? null, localDate: r?.local_date ?? null, resend: !!l.body?.resend, errorCode: l.error_code };
    }),
  };
}

const contactRow = facilityContactSchema.extend({ id: z.preprocess((v) => (v === '' ? undefined : v), z.uuid().optional()) });
export const facilityUpdateSchema = facilitySchema.omit({ responsibleCentreId: true, responsibleCentreCode: true, contacts: true }).extend({ contacts: z.array(contactRow).max(10).default([]) });

/**
 * 施設の変更: kind, name, phone, round times and the staff contacts (kept by id, new ones
 * added, the others removed). New round times apply to the residents' assignments too.
 */
export async function updateFacility({ ctx, input }: VerbArgs<{ facilityId: string; facility: unknown }>): Promise<{ id: string }> {
  requirePermission(ctx.actor, 'updateFacility');
  const f = await facilityInScope(ctx, input.facilityId);
  const v = parseInput(facilityUpdateSchema, input.facility);
  const roundTimes = [...new Set(v.roundTimes)].sort();
  await ctx.tx.update(facilities).set({ kind: v.kind, name: v.name, phone: v.phone || null, roundTimes, updatedAt: ctx.now }).where(eq(facilities.id, f.id));
  const keep = v.contacts.filter((c) => c.id).map((c) => c.id!);
  await ctx.tx.delete(facilityContacts).where(and(eq(facilityContacts.facilityId, f.id), keep.length ? notInArray(facilityContacts.id, keep) : sql`true`));
  for (const c of v.contacts) {
    const values = { name: c.name, phone: c.phone ?? null, email: c.email ?? null, lineUserId: c.lineUserId ?? null };
    if (c.id) await ctx.tx.update(facilityContacts).set(values).where(and(eq(facilityContacts.id, c.id), eq(facilityContacts.facilityId, f.id)));
    else await ctx.tx.insert(facilityContacts).values({ ...values, facilityId: f.id, createdAt: ctx.now });
  }
  const residents = await ctx.tx.select({ personId: facilityResidents.personId }).from(facilityResidents).where(eq(facilityResidents.facilityId, f.id));
  if (residents.length && roundTimes.join() !== [...f.roundTimes].sort().join()) {
    await ctx.tx.update(flowAssignments).set({ roundTimes, updatedAt: ctx.now }).where(inArray(flowAssignments.personId, residents.map((r) => r.personId)));
  }
  await writeAudit(ctx, { action: 'update', entity: 'facility', entityId: f.id, details: { contacts: v.contacts.length, roundTimes } });
  return { id: f.id };
}

/**
 * 施設の無効化 / 再開: a deactivated facility gets no rounds and no links. Refused while
 * residents remain (move them out first: each goes back to their own channel).
 */
export async function setFacilityActive({ ctx, input }: VerbArgs<{ facilityId: string; active: boolean }>): Promise<{ active: boolean }> {
  requirePermission(ctx.actor, 'setFacilityActive');
  const f = await facilityInScope(ctx, input.facilityId);
  if (!input.active) {
    const [r] = await ctx.tx.select({ n: sql<number>`count(*)::int` }).from(facilityResidents).where(eq(facilityResidents.facilityId, f.id));
    if ((r?.n ?? 0) > 0) throw new ConflictError('the facility still has residents: move them out first', undefined, '入所者が残っています。先に退所させてください');
  }
  await ctx.tx.update(facilities).set({ active: input.active, updatedAt: ctx.now }).where(eq(facilities.id, f.id));
  await writeAudit(ctx, { action: input.active ? 'reactivate' : 'deactivate', entity: 'facility', entityId: f.id });
  return { active: input.active };
}

/**
 * The persons a nurse may move into the facility: under monitoring at the facility's
 * centre, in no facility yet (name order, at most `limit`). It names persons: audited.
 */
export async function facilityCandidates({ ctx, input }: VerbArgs<{ facilityId: string; limit?: number }>): Promise<{ personId: string; caseNumber: string | null; name: string }[]> {
  requirePermission(ctx.actor, 'facilityCandidates');
  const f = await facilityInScope(ctx, input.facilityId);
  const rows = await queryRows<{ id: string; case_number: string | null; name: string }>(
    ctx.tx,
    sql`select p.id, p.case_number, p.name from persons p
        where p.responsible_centre_id = ${f.responsibleCentreId} and p.status in (${sql.raw(MONITORED_STATUS_LITERALS)})
          and not exists (select 1 from facility_residents fr where fr.person_id = p.id)
        order by p.name_kana nulls last, p.name, p.id limit ${Math.min(input.limit ?? 300, 1000)}`,
  );
  if (rows.length) await writeAudit(ctx, { action: 'list', entity: 'person', details: { list: 'facility_candidates', facilityId: f.id, personIds: rows.map((r) => r.id) } });
  return rows.map((r) => ({ personId: r.id, caseNumber: r.case_number, name: r.name }));
}
