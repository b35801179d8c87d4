import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Db, DbHandle } from '../../db/client';
import type { JobRunner } from '../../src/jobs/runner';
import { defineJob } from '../../src/jobs/define';
import { z } from 'zod';
import type { RedisClient } from '../../src/platform/redis';

/**
 * N close contacts of one Tokyo health centre, verified on `channel` (LINE by default),
 * with the contact-daily flow at 09:00 — generated in PostgreSQL with generate_series (no
 * round trip per person). `from` numbers them, so several channels can share the centre.
 */
export async function generatePersons(db: Db, n: number, opts: { channel?: 'line' | 'sms' | 'voice'; from?: number } = {}): Promise<void> {
  const channel = opts.channel ?? 'line';
  const first = opts.from ?? 1;
  await db.execute(sql`insert into jurisdictions (kind, parent_id, code, path, name_ja, name_en, time_zone)
    select 'health_centre', id, '13-bench', '/JP/13/13-bench/', 'ベンチ保健所', 'Bench health centre', 'Asia/Tokyo' from jurisdictions where code = '13'
    on conflict do nothing`);
  const chunk = 250_000;
  for (let from = first; from < first + n; from += chunk) {
    const to = Math.min(first + n - 1, from + chunk - 1);
    await db.execute(sql`
      with p as (
        insert into persons (case_number, name, phone, responsible_centre_id, classification, status, preferred_channel, monitoring_start)
        select 'B' || g, 'ベンチ ' || g, '+8190' || lpad(g::text, 8, '0'), (select id from jurisdictions where code = '13-bench'), 'close_contact', 'close_contact', ${channel}, '2026-11-28'
        from generate_series(${from}::int, ${to}::int) g
        returning id, phone
      ),
      a as (insert into flow_assignments (person_id, flow_id, round_times) select p.id, f.id, '["09:00"]'::jsonb from p, flows f where f.key = 'contact-daily')
      insert into person_channels (person_id, kind, address, state, verified_at)
      select p.id, ${channel}, case when ${channel} = 'line' then 'U' || md5(p.id::text) else p.phone end, 'verified', now() from p`);
  }
}

/** Raw postgres.js multi-row INSERT speed (10,000 rows a statement) into a session-shaped scratch table. */
export async function insertRowsPerSecond(handle: DbHandle, n: number): Promise<number> {
  const pg = handle.pg!;
  await pg`create table bench_raw_insert (id uuid primary key default gen_random_uuid(), person_id uuid not null, local_date date not null, round text not null, status text not null, due_at timestamptz not null)`;
  const t0 = performance.now();
  for (let i = 0; i < n; i += 10_000) {
    const count = Math.min(10_000, n - i);
    // One multi-row INSERT … VALUES per 10,000 rows (5 parameters a row, under PostgreSQL's 65,535).
    const values = Array.from({ length: count }, (_, k) => `($${k * 5 + 1}, $${k * 5 + 2}, $${k * 5 + 3}, $${k * 5 + 4}, $${k * 5 + 5})`).join(',');
    const params = Array.from({ length: count }, () => [crypto.randomUUID(), '2026-12-01', '09:00', 'pending', new Date().toISOString()]).flat();
    await pg.unsafe(`insert into bench_raw_insert (person_id, local_date, round, status, due_at) values ${values}`, params);
  }
  const rate = Math.round(n / ((performance.now() - t0) / 1000));
  await pg`drop table bench_raw_insert`;
  return rate;
}

const rawJob = defineJob({ name: 'bench.raw', queue: 'outbound', version: 1, payload: z.object({ sessionIds: z.array(z.string()) }), handler: async () => undefined });

/** Raw BullMQ addBulk speed (5,000 jobs a call, payloads like a one-person dispatch job) on a scratch queue. */
export async function addBulkJobsPerSecond(jobs: JobRunner, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i += 5_000) {
    const items = Array.from({ length: Math.min(5_000, n - i) }, (_, k) => ({ payload: { sessionIds: [crypto.randomUUID()] }, jobId: `raw:${i + k}` }));
    if (!(await jobs.triggerBulk(rawJob, items))) throw new Error('Redis refused the raw addBulk');
  }
  const rate = Math.round(n / ((performance.now() - t0) / 1000));
  await jobs.queue('outbound').obliterate({ force: true });
  return rate;
}

export async function redisUsedBytes(redis: RedisClient): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}
