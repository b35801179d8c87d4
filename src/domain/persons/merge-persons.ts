import { eq, sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client';
import { personMerges, personNotes, persons } from '../../../db/schema';
import { requireRoleAtLeast } from '../access';
import { writeAudit } from '../audit';
import type { Ctx, VerbArgs } from '../context';
import { ValidationError } from '../errors';
import { personInScope, staffIdOf } from './person-in-scope';
import { requirePermission } from '../permissions';

// Identifying and clinical fields the kept person takes from the merged one where it has none.
const FILLED = ['nameKana', 'dateOfBirth', 'phone', 'address', 'email', 'onsetDate', 'diagnosisDate', 'lastContactDate', 'activityHistory', 'infectionRoute'] as const;
// Tables moved by hand below (their unique keys need care); any other table that refers to
// a person (added later) is moved by the generic pass at the end.
const HANDLED = new Set(['check_sessions', 'observations', 'alerts', 'person_notes', 'test_records', 'person_status_history', 'outbound_messages', 'enrollment_codes', 'person_channels', 'person_contacts', 'person_shared_centres', 'person_duplicate_candidates', 'person_import_persons', 'flow_assignments', 'person_merges']);

/**
 * 統合: the same human registered twice (a line list and a clinic's notification, say).
 * Everything recorded about the merged person moves to the kept one — check sessions and
 * their observations (a session of the same day and round keeps its own, renamed round),
 * alerts, notes, tests, status history, messages, link codes, channels (one per kind: the
 * kept person's wins, the other's address is written into a note), contacts, sharing — and
 * the kept person's empty fields are filled from the merged one. The merged person's row is
 * then removed; its audit rows stay as written (append-only) and person_merges leads to
 * them. Roles: nurse and up, both persons within scope; audited on both persons.
 */
export async function mergePersons({ ctx, input }: VerbArgs<{ keepPersonId: string; mergePersonId: string }>): Promise<{ id: string; merged: string }> {
  requirePermission(ctx.actor, 'mergePersons');
  requireRoleAtLeast(ctx.actor, 'nurse');
  if (input.keepPersonId === input.mergePersonId) throw new ValidationError([{ field: 'mergePersonId', message: 'cannot merge a person into itself', messageJa: '同じ対象者どうしは統合できません' }]);
  const kept = await personInScope(ctx, input.keepPersonId, { forUpdate: true });
  const merged = await personInScope(ctx, input.mergePersonId, { forUpdate: true });
  const k = kept.id;
  const m = merged.id;
  const fill: Record<string, unknown> = {};
  for (const f of FILLED) if ((kept[f] === null || kept[f] === '') && merged[f] !== null) fill[f] = merged[f];
  if (Object.keys(fill).length) await ctx.tx.update(persons).set({ ...fill, updatedAt: ctx.now }).where(eq(persons.id, k));

  const x = (q: ReturnType<typeof sql>) => ctx.tx.execute(q);
  await x(sql`update check_sessions s set round = s.round || '~' || substr(s.id::text, 1, 8)
    where s.person_id = ${m} and exists (select 1 from check_sessions o where o.person_id = ${k} and o.local_date = s.local_date and o.round = s.round)`);
  for (const table of ['check_sessions', 'observations', 'alerts', 'person_notes', 'test_records', 'person_status_history', 'outbound_messages', 'enrollment_codes']) {
    await x(sql`update ${sql.identifier(table)} set person_id = ${k} where person_id = ${m}`);
  }
  // A round's LINE multicasts name persons in an array (line_multicasts): the merged one becomes the kept one there too.
  await x(sql`update line_multicasts set person_ids = array_replace(person_ids, ${m}::uuid, ${k}::uuid) where person_ids @> array[${m}::uuid]`);
  await moveChannels(ctx, k, m);
  await x(sql`delete from person_contacts c where (c.source_person_id = ${m} and (c.contact_person_id = ${k} or exists (select 1 from person_contacts o where o.source_person_id = ${k} and o.contact_person_id = c.contact_person_id)))
    or (c.contact_person_id = ${m} and (c.source_person_id = ${k} or exists (select 1 from person_contacts o where o.contact_person_id = ${k} and o.source_person_id = c.source_person_id)))`);
  await x(sql`update person_contacts set source_person_id = ${k} where source_person_id = ${m}`);
  await x(sql`update person_contacts set contact_person_id = ${k} where contact_person_id = ${m}`);
  await x(sql`insert into person_shared_centres (person_id, jurisdiction_id, created_at) select ${k}, jurisdiction_id, created_at from person_shared_centres
    where person_id = ${m} and jurisdiction_id <> ${kept.responsibleCentreId} on conflict do nothing`);
  await x(sql`update person_import_persons p set person_id = ${k} where p.person_id = ${m} and not exists (select 1 from person_import_persons o where o.import_id = p.import_id and o.person_id = ${k})`);
  // One row per person in these: the kept person's stays (the tick recomputes its due time).
  await x(sql`delete from person_due where person_id = ${m}`);
  await x(sql`delete from household_members where person_id = ${m} and exists (select 1 from household_members o where o.person_id = ${k})`);
  await x(sql`delete from facility_residents where person_id = ${m} and exists (select 1 from facility_residents o where o.person_id = ${k})`);
  await moveOtherReferences(ctx, k, m);

  await ctx.tx.insert(personMerges).values({ mergedPersonId: m, mergedCaseNumber: merged.caseNumber, keptPersonId: k, mergedBy: staffIdOf(ctx), createdAt: ctx.now });
  await ctx.tx.insert(personNotes).values({ personId: k, authorStaffId: staffIdOf(ctx), note: `対象者（事例番号 ${merged.caseNumber}）を統合しました。`, createdAt: ctx.now });
  await ctx.tx.delete(persons).where(eq(persons.id, m));
  await writeAudit(ctx, { action: 'merge', entity: 'person', entityId: k, personId: k, details: { mergedPersonId: m, filled: Object.keys(fill) } });
  await writeAudit(ctx, { action: 'merged_into', entity: 'person', entityId: m, personId: m, details: { keptPersonId: k } });
  return { id: k, merged: m };
}

/** One channel per kind: the merged person's moves where the kept one has none; otherwise its address goes into a note. */
async function moveChannels(ctx: Ctx, k: string, m: string): Promise<void> {
  const rows = await queryRows<{ id: string; kind: string; address: string; taken: string | null }>(
    ctx.tx,
    sql`select c.id, c.kind, c.address, (select o.address from person_channels o where o.person_id = ${k} and o.kind = c.kind) as taken from person_channels c where c.person_id = ${m}`,
  );
  for (const r of rows) {
    if (r.taken === null) {
      await ctx.tx.execute(sql`update person_channels set person_id = ${k} where id = ${r.id}`);
      continue;
    }
    if (r.taken !== r.address) {
      await ctx.tx.insert(personNotes).values({ personId: k, authorStaffId: staffIdOf(ctx), note: `統合した対象者の${r.kind === 'line' ? 'LINE' : r.kind === 'sms' ? 'SMS' : '音声'}連絡先: ${r.address}`, createdAt: ctx.now });
    }
    await ctx.tx.execute(sql`delete from person_channels where id = ${r.id}`);
  }
}

/** Tables added after this verb that refer to persons: moved as they are (a unique clash refuses the whole merge). */
async function moveOtherReferences(ctx: Ctx, k: string, m: string): Promise<void> {
  const refs = await queryRows<{ tbl: string; col: string }>(
    ctx.tx,
    sql`select cl.relname as tbl, a.attname as col from pg_constraint c join pg_class cl on cl.oid = c.conrelid
        join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any (c.conkey)
        where c.contype = 'f' and c.confrelid = 'persons'::regclass`,
  );
  for (const r of refs) {
    if (HANDLED.has(r.tbl)) continue;
    await ctx.tx.execute(sql`update ${sql.identifier(r.tbl)} set ${sql.identifier(r.col)} = ${k} where ${sql.identifier(r.col)} = ${m}`);
  }
}
