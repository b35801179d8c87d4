import { sql, type SQL } from 'drizzle-orm';
import { queryRows, uuidArray, type DbOrTx } from '../../../db/client';

/**
 * The households whose reporter contact (not a person) goes with these persons: every
 * member is erased now or was before — her name, phone and LINE user id are then nobody's
 * to keep (a household with a member still on record keeps its contact).
 */
const contactGone = (ids: SQL) => sql`select h.id from households h where h.reporter_person_id is null and h.contact_name is not null
  and exists (select 1 from household_members m where m.household_id = h.id and m.person_id = any(${ids}))
  and not exists (select 1 from household_members m where m.household_id = h.id and not (m.person_id = any(${ids}))
    and not exists (select 1 from person_erasures e where e.person_id = m.person_id))`;

/** What goes per person, in order; each returns the rows it touched (counted, never read out). */
const STEPS: { name: string; sql: (ids: SQL) => ReturnType<typeof sql> }[] = [
  // Inbound events carry the raw messages; they are keyed by a hash of the sender's LINE id or number.
  { name: 'inbound_events', sql: (ids) => sql`delete from inbound_events where processed_at is not null and sender_key in (
      select encode(sha256(convert_to((case when c.kind = 'line' then 'line:' else 'phone:' end) || c.address, 'UTF8')), 'hex') from person_channels c where c.person_id = any(${ids})
      union select encode(sha256(convert_to('phone:' || p.phone, 'UTF8')), 'hex') from persons p where p.id = any(${ids}) and p.phone is not null)` },
  // …and those of the household's contact, by her phone or her LINE user id (before her columns are emptied below).
  { name: 'household_contact_inbound_events', sql: (ids) => sql`delete from inbound_events where processed_at is not null and sender_key in (
      select encode(sha256(convert_to(k, 'UTF8')), 'hex') from households h
      cross join lateral (values ('phone:' || h.contact_address), ('line:' || h.contact_line_user_id)) v(k)
      where h.id in (${contactGone(ids)}) and k is not null)` },
  { name: 'household_contacts', sql: (ids) => sql`update households set contact_name = null, contact_relation = null, contact_language = null, contact_channel = null,
      contact_address = null, contact_line_user_id = null, contact_opted_out_at = null where id in (${contactGone(ids)})` },
  { name: 'observations', sql: (ids) => sql`delete from observations where person_id = any(${ids})` },
  { name: 'outbound_messages', sql: (ids) => sql`delete from outbound_messages where person_id = any(${ids})` },
  // A round's LINE multicast (one row for ≤ 500 people): the erased are taken out of it, the row goes when nobody is left.
  { name: 'line_multicasts_emptied', sql: (ids) => sql`delete from line_multicasts where person_ids <@ ${ids}` },
  { name: 'line_multicasts', sql: (ids) => sql`update line_multicasts m set person_ids = k.p, session_ids = k.s
      from (select m2.id, array_agg(u.p order by u.o) as p, array_agg(u.s order by u.o) as s
            from line_multicasts m2 cross join lateral unnest(m2.person_ids, m2.session_ids) with ordinality u(p, s, o)
            where m2.person_ids && ${ids} and not (u.p = any(${ids})) group by m2.id) k
      where m.id = k.id` },
  { name: 'person_channels', sql: (ids) => sql`delete from person_channels where person_id = any(${ids})` },
  { name: 'enrollment_codes', sql: (ids) => sql`delete from enrollment_codes where person_id = any(${ids})` },
  { name: 'person_notes', sql: (ids) => sql`delete from person_notes where person_id = any(${ids})` },
  { name: 'person_contacts', sql: (ids) => sql`delete from person_contacts where source_person_id = any(${ids}) or contact_person_id = any(${ids})` },
  { name: 'test_records', sql: (ids) => sql`delete from test_records where person_id = any(${ids})` },
  { name: 'person_status_history', sql: (ids) => sql`delete from person_status_history where person_id = any(${ids})` },
  { name: 'staff_calls', sql: (ids) => sql`delete from staff_calls where person_id = any(${ids})` },
  { name: 'follow_up_losses', sql: (ids) => sql`delete from follow_up_losses where person_id = any(${ids})` },
  { name: 'monitoring_pauses', sql: (ids) => sql`delete from monitoring_pauses where person_id = any(${ids})` },
  { name: 'person_assignments', sql: (ids) => sql`delete from person_assignments where person_id = any(${ids})` },
  { name: 'certificates', sql: (ids) => sql`delete from certificates where person_id = any(${ids})` },
  // Kept for the statistics, emptied of what the person said: a check's answers state, an alert's values and notes.
  { name: 'check_sessions_emptied', sql: (ids) => sql`update check_sessions set state = null where person_id = any(${ids}) and state is not null` },
  { name: 'alerts_emptied', sql: (ids) => sql`update alerts set details = '{}'::jsonb where person_id = any(${ids}) and details <> '{}'::jsonb` },
  { name: 'alert_notes_emptied', sql: (ids) => sql`update alert_events set note = null where note is not null and alert_id in (select id from alerts where person_id = any(${ids}))` },
];

/**
 * Erase the personal data of these persons, in the caller's transaction: their messages,
 * answers, channels (so no link or LINE account leads to them), notes, contacts, tests,
 * their household's reporter contact once no member is left (her phone and LINE user id),
 * calls, pauses, certificates and inbound events go; check sessions and alerts stay as
 * bare facts (date, round, status, severity) and the persons row stays as an anonymous
 * tombstone (status, classification, centre) — so every statistic stays as it was. Each
 * person gets a person_erasures row and an audit row with the counts (never the data).
 * Persons already erased are skipped. Returns the ids erased.
 */
export async function erasePersons(db: DbOrTx, opts: { personIds: readonly string[]; now: Date; actorId: string }): Promise<string[]> {
  if (!opts.personIds.length) return [];
  const locked = await queryRows<{ id: string }>(db, sql`select p.id from persons p where p.id = any(${uuidArray(opts.personIds)})
    and not exists (select 1 from person_erasures e where e.person_id = p.id) order by p.id for update of p`);
  if (!locked.length) return [];
  const ids = uuidArray(locked.map((r) => r.id));
  const counts: Record<string, number> = {};
  for (const step of STEPS) {
    const rows = await queryRows<{ n: number }>(db, sql`with x as (${step.sql(ids)} returning 1) select count(*)::int as n from x`);
    counts[step.name] = rows[0]?.n ?? 0;
  }
  await db.execute(sql`
    update persons set name = '（削除済み）', name_kana = null, date_of_birth = null, sex = 'unknown', address = null, phone = null, email = null,
      case_number = 'erased-' || id::text, symptoms_at_diagnosis = '[]'::jsonb, underlying_conditions = '[]'::jsonb, risk_factors = '[]'::jsonb,
      pregnant = false, has_oximeter = false, needs_welfare_liaison = false, has_elderly_household = false,
      admission_date = null, discharge_date = null, date_of_death = null, onset_date = null, diagnosis_date = null, last_contact_date = null,
      activity_history = null, infection_route = null, infection_link_known = null, monitoring_end_reason = null, created_by = null,
      updated_at = ${opts.now.toISOString()}::timestamptz
    where id = any(${ids})`);
  const at = sql`${opts.now.toISOString()}::timestamptz`;
  // Batch-wide counts on each person's row: how much went, never what it was.
  const details = JSON.stringify({ persons: locked.length, ...counts });
  await db.execute(sql`insert into person_erasures (person_id, erased_at, counts) select x, ${at}, ${details}::jsonb from unnest(${ids}) x`);
  await db.execute(sql`insert into audit_log (actor_kind, actor_id, action, entity, entity_id, person_id, details, created_at)
    select 'system', ${opts.actorId}, 'erase', 'person', x::text, x, ${details}::jsonb, ${at} from unnest(${ids}) x`);
  return locked.map((r) => r.id);
}
