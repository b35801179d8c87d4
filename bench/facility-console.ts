/**
 * The facility console's reads at a centre's scale: F facilities of R residents each (one
 * Tokyo centre), every facility with 7 days × 2 rounds (submitted, one resident missing,
 * the facility's non-responder alert) and a round link message per contact and round.
 * Then, as a nurse of that centre: the list (listFacilities, with today's rounds) and one
 * facility's page (getFacility: residents, 7 days of rounds with alerts, contact log),
 * each run 20 times. Prints the median wall time and this process's CPU per call, the
 * database's time per call (pg_stat_statements when present), the load average, the
 * machine and the revision. Never a timed test.
 * Run: npx tsx bench/facility-console.ts [--facilities 100] [--residents 40] [--pg postgres://postgres@127.0.0.1:5432] [--keep]
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, migrateDb, queryRows } from '../db/client';
import { ensureReferenceData } from '../db/seed/reference-data';
import { parseArgs } from '../src/cli/command';
import { withTransaction } from '../src/domain/context';
import { getFacility, listFacilities } from '../src/domain/facilities/facility-console';
import { ensureDefaultFlows } from '../src/domain/flows/ensure-default-flows';
import { machineInfo } from './support/machine';

const args = parseArgs(process.argv.slice(2));
const F = Number(args.flags.facilities ?? 100);
const R = Number(args.flags.residents ?? 40);
const pgBase = String(args.flags.pg ?? 'postgres://postgres@127.0.0.1:5432');
const keep = Boolean(args.flags.keep);
const NOW = new Date('2026-12-07T06:30:00Z'); // 15:30 in Tokyo, after both of today's rounds
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const dbName = `mimamori_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(`${pgBase}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  const handle = await createDb({ url: `${pgBase}/${dbName}`, max: 4 });
  const db = handle.db;
  try {
    await migrateDb(handle);
    await ensureReferenceData(db);
    await ensureDefaultFlows(db);
    await db.execute(sql`insert into jurisdictions (kind, parent_id, code, path, name_ja, name_en, time_zone)
      select 'health_centre', id, '13-bench', '/JP/13/13-bench/', 'ベンチ保健所', 'Bench health centre', 'Asia/Tokyo' from jurisdictions where code = '13'`);
    const [centre] = await queryRows<{ id: string; path: string }>(db, sql`select id, path from jurisdictions where code = '13-bench'`);
    const t0 = performance.now();
    await db.execute(sql`
      with f as (
        insert into facilities (responsible_centre_id, kind, name, round_times)
        select ${centre!.id}::uuid, 'care_home', 'ベンチ苑 ' || g, array['09:00', '15:00'] from generate_series(1, ${F}::int) g returning id
      ), c as (
        insert into facility_contacts (facility_id, name, phone, email) select id, '職員', '+819000000000', 'staff@example.jp' from f
      ), p as (
        insert into persons (case_number, name, responsible_centre_id, classification, status, preferred_channel, monitoring_start)
        select 'FB' || g, 'ベンチ ' || g, ${centre!.id}::uuid, 'confirmed', 'home_recuperation', 'web', '2026-11-28'
        from generate_series(1, ${F * R}::int) g returning id, case_number
      )
      insert into facility_residents (person_id, facility_id, room)
      select p.id, (select id from f order by id offset ((substr(p.case_number, 3)::int - 1) / ${R}) limit 1), (substr(p.case_number, 3)::int % ${R})::text from p`);
    // 7 days × 2 rounds per facility, submitted with the first resident missing, its alert and two link messages.
    await db.execute(sql`
      with r as (
        insert into facility_rounds (facility_id, local_date, round, expires_at, submitted_at, missing_person_ids, links_queued_at, created_at)
        select f.id, d::date, t, (d::date + t::time + interval '6 hours') at time zone 'Asia/Tokyo', (d::date + t::time + interval '1 hour') at time zone 'Asia/Tokyo',
               array[(select person_id from facility_residents fr where fr.facility_id = f.id order by room limit 1)], now(), (d::date + t::time) at time zone 'Asia/Tokyo'
        from facilities f, generate_series('2026-12-01'::date, '2026-12-07'::date, interval '1 day') d, unnest(array['09:00', '15:00']) t
        returning id, facility_id, missing_person_ids[1] as missing
      ), a as (
        insert into alerts (person_id, centre_id, severity, reason, dedupe_key)
        select missing, ${centre!.id}::uuid, 'amber', 'facility_non_responder', 'facility-round:' || id from r
      )
      insert into outbound_messages (channel, kind, retry_key, status, body)
      select ch, 'facility_round_link', 'facility-link:' || r.id || ':auto:' || ch, 'sent', jsonb_build_object('facilityId', r.facility_id, 'roundId', r.id, 'contactName', '職員', 'text', 'x')
      from r, unnest(array['sms', 'mail']) ch`);
    const seedMs = performance.now() - t0;
    const [facility] = await queryRows<{ id: string }>(db, sql`select id from facilities order by name limit 1`);
    const [staff] = await queryRows<{ id: string }>(db, sql`insert into staff_users (email, display_name, role, jurisdiction_id, password_hash) values ('bench@example.jp', 'bench', 'nurse', ${centre!.id}, 'x') returning id`);
    const actor = { kind: 'staff' as const, staffId: staff!.id, role: 'nurse' as const, jurisdictionId: centre!.id, jurisdictionPath: centre!.path, institutionId: null, via: 'session' as const };
    const hasStatements = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_extension where extname = 'pg_stat_statements'`))[0]!.n > 0;

    const measure = async (name: string, run: () => Promise<unknown>) => {
      for (let i = 0; i < 3; i++) await run(); // warm
      if (hasStatements) await db.execute(sql`select pg_stat_statements_reset()`);
      const wall: number[] = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await run();
        wall.push(performance.now() - t);
      }
      const cpu = process.cpuUsage(cpu0);
      const dbMs = hasStatements
        ? (await queryRows<{ ms: number }>(db, sql`select coalesce(sum(total_exec_time), 0)::float as ms from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())`))[0]!.ms / 20
        : null;
      return { name, medianMs: Math.round(median(wall) * 10) / 10, nodeCpuMsPerCall: Math.round(((cpu.user + cpu.system) / 1000 / 20) * 10) / 10, dbExecMsPerCall: dbMs === null ? null : Math.round(dbMs * 10) / 10 };
    };
    const tx = <T>(fn: Parameters<typeof withTransaction<T>>[2]) => withTransaction(db, { actor, now: NOW }, fn);
    const results = [
      await measure('listFacilities', () => tx((ctx) => listFacilities({ ctx, input: {} }))),
      await measure('getFacility', () => tx((ctx) => getFacility({ ctx, input: { facilityId: facility!.id } }))),
    ];
    const out = { bench: 'facility-console', ...machineInfo(), facilities: F, residentsEach: R, rounds: F * 14, seedMs: Math.round(seedMs), loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100), results };
    console.log(JSON.stringify(out));
    for (const r of results) console.log(`${r.name}: median ${r.medianMs} ms wall, ${r.nodeCpuMsPerCall} ms node CPU/call, ${r.dbExecMsPerCall ?? '—'} ms PostgreSQL exec/call (${F} facilities × ${R} residents, load ${out.loadavg.join(' ')})`);
  } finally {
    await handle.close();
    if (!keep) await admin.unsafe(`drop database ${dbName} with (force)`);
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
