import { performance } from 'node:perf_hooks';
import type { Sql } from 'postgres';

/**
 * Population of each prefecture in 10,000s (2020 census, rounded): persons and health
 * centres are spread in proportion, so Tokyo's officer sees about 11 % of the nation.
 */
const POPULATION: Record<string, number> = {
  '01': 522, '02': 124, '03': 121, '04': 230, '05': 96, '06': 107, '07': 183, '08': 287, '09': 193, '10': 194,
  '11': 734, '12': 628, '13': 1405, '14': 924, '15': 220, '16': 103, '17': 113, '18': 77, '19': 81, '20': 205,
  '21': 198, '22': 363, '23': 754, '24': 177, '25': 141, '26': 258, '27': 884, '28': 547, '29': 132, '30': 92,
  '31': 55, '32': 67, '33': 189, '34': 280, '35': 134, '36': 72, '37': 95, '38': 133, '39': 69, '40': 514,
  '41': 81, '42': 131, '43': 174, '44': 112, '45': 107, '46': 159, '47': 147,
};

// The two big tables are loaded without their indexes and foreign keys, which are then
// rebuilt from the definitions the migrations created (a bulk load, as pg_restore does).
const BULK_TABLES = ['check_sessions', 'observations'];

export interface NationalData {
  persons: number;
  centres: number;
  sessions: number;
  observations: number;
  openAlerts: number;
  seconds: Record<string, number>;
}

/**
 * A nation in follow-up, generated inside PostgreSQL (generate_series; no row crosses the
 * wire): about one health centre per 300,000 inhabitants, `persons` persons (60 % confirmed
 * patients, 30 % close contacts, the rest asymptomatic or suspected) in the last 10 days of
 * monitoring, one 09:00 check a day since their start with `perSession` answers to each
 * completed check, and open alerts for 2 % of them. `today` is the local date of the run.
 */
export async function generateNation(pg: Sql, opts: { persons: number; observations: number; today: string }): Promise<NationalData> {
  const seconds: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>) => {
    const t0 = performance.now();
    const r = await fn();
    seconds[name] = Math.round((performance.now() - t0) / 100) / 10;
    return r;
  };
  await timed('centres', () => createCentres(pg));
  await timed('persons', () => createPersons(pg, opts.persons, opts.today));
  const saved = await dropBulkIndexes(pg);
  await timed('sessions', () => createSessions(pg, opts.today));
  const [row] = await pg<{ n: number }[]>`select count(*)::int as n from check_sessions where status = 'completed'`;
  const completed = row?.n ?? 0;
  const perSession = Math.max(1, Math.min(QUESTIONS.length, Math.round(opts.observations / Math.max(1, completed))));
  await timed('observations', () => createObservations(pg, perSession));
  await timed('indexes', () => restoreBulkIndexes(pg, saved));
  await timed('alerts', () => createAlerts(pg, opts.today));
  await timed('analyze', () => pg`vacuum analyze`);
  return { ...(await countNation(pg)), seconds };
}

/** What a generated database holds (to measure one kept from an earlier run). */
export async function countNation(pg: Sql): Promise<NationalData> {
  const [counts] = await pg<{ persons: number; centres: number; sessions: number; observations: number; open_alerts: number }[]>`
    select (select count(*)::int from persons) as persons,
      (select count(*)::int from jurisdictions where kind = 'health_centre') as centres,
      (select count(*)::int from check_sessions) as sessions,
      (select count(*)::int from observations) as observations,
      (select count(*)::int from alerts where status = 'open') as open_alerts`;
  return { persons: counts!.persons, centres: counts!.centres, sessions: counts!.sessions, observations: counts!.observations, openAlerts: counts!.open_alerts, seconds: {} };
}

async function createCentres(pg: Sql) {
  const pop = Object.entries(POPULATION).map(([code, weight]) => ({ code, weight }));
  await pg`
    insert into jurisdictions (kind, parent_id, code, path, name_ja, name_en, time_zone, phone)
    select 'health_centre', p.id, c.code, p.path || c.code || '/', p.name_ja || '第' || k || '保健所', p.name_en || ' health centre ' || k, 'Asia/Tokyo', '0120-000-' || lpad(k::text, 3, '0')
    from jurisdictions p
      join jsonb_to_recordset(${pg.json(pop)}) as w(code text, weight int) on w.code = p.code
      cross join lateral generate_series(1, greatest(3, round(w.weight / 27.0)::int)) k
      cross join lateral (select p.code || '-9' || lpad(k::text, 2, '0') as code) c
    where p.kind = 'prefecture'`;
  // 10,000 slots shared out by population: person g lives in the centre of slot g·7919 mod n.
  await pg`create temp table bench_slots as
    with c as (
      select j.id, w.weight::float / count(*) over (partition by p.code) as weight
      from jurisdictions j join jurisdictions p on p.id = j.parent_id
        join jsonb_to_recordset(${pg.json(pop)}) as w(code text, weight int) on w.code = p.code
      where j.kind = 'health_centre' and j.code like '%-9%'
    )
    select array_agg(id order by id, s) as ids from c cross join lateral generate_series(1, greatest(1, round(weight / (select sum(weight) from c) * 10000)::int)) s`;
}

async function createPersons(pg: Sql, n: number, today: string) {
  const chunk = 250_000;
  for (let from = 1; from <= n; from += chunk) {
    const to = Math.min(n, from + chunk - 1);
    await pg`
      with g as (
        select g, (select ids from bench_slots) as ids, ${today}::date - (g % 10) as start from generate_series(${from}::int, ${to}::int) g
      ), p as (
        insert into persons (case_number, name, name_kana, date_of_birth, sex, phone, preferred_channel, responsible_centre_id, classification, status,
          onset_date, has_oximeter, risk_factors, monitoring_start, monitoring_planned_end, monitoring_actual_end)
        select 'N' || g, '試験 ' || g, translate(substr(md5(g::text), 1, 6), '0123456789abcdef', 'アイウエオカキクケコサシスセソタ'),
          '1935-01-01'::date + (g * 37 % 30000), (array['male','female'])[1 + g % 2], '+8190' || lpad(g::text, 8, '0'),
          (array['line','line','line','line','line','line','line','sms','sms','voice','web'])[1 + g % 11],
          ids[1 + (g::bigint * 7919) % array_length(ids, 1)],
          cls, case when g % 25 = 0 then 'monitoring_ended' when g % 25 = 1 then 'hospitalized' when cls = 'close_contact' then 'close_contact' else 'home_recuperation' end,
          case when cls = 'close_contact' then null else start - 1 end, g % 2 = 0,
          case when g % 5 = 0 then '["diabetes"]'::jsonb else '[]'::jsonb end,
          start, start + 7, case when g % 25 = 0 then ${today}::date else null end
        from g, lateral (select (array['confirmed','confirmed','confirmed','confirmed','confirmed','confirmed','close_contact','close_contact','close_contact','asymptomatic'])[1 + g % 10] as cls) c
        returning id, classification, preferred_channel, phone
      ), a as (
        insert into flow_assignments (person_id, flow_id, round_times)
        select p.id, f.id, '["09:00"]'::jsonb from p join flows f on f.key = case when p.classification = 'close_contact' then 'contact-daily' else 'patient-daily' end
      )
      insert into person_channels (person_id, kind, address, state, verified_at)
      select p.id, p.preferred_channel, case when p.preferred_channel = 'line' then 'U' || md5(p.id::text) when p.preferred_channel = 'web' then null else p.phone end, 'verified', now()
      from p where p.preferred_channel <> 'web'`;
  }
}

/** One 09:00 check a day from the person's start to today: 85 % answered on past days, 60 % so far today. */
async function createSessions(pg: Sql, today: string) {
  await pg`
    insert into check_sessions (person_id, flow_version_id, local_date, round, channel, status, source, due_at, expires_at, prompted_at, completed_at)
    select p.id, v.id, d, '09:00', p.preferred_channel, st, 'schedule',
      due, due + interval '24 hours', due, case when st = 'completed' then due + (abs(hashtext(p.id::text || d)) % 120) * interval '1 minute' end
    from persons p
      join flow_assignments fa on fa.person_id = p.id
      join lateral (select id from flow_versions where flow_id = fa.flow_id and status = 'published' order by version desc limit 1) v on true
      cross join lateral generate_series(p.monitoring_start, least(${today}::date, coalesce(p.monitoring_actual_end, ${today}::date)), interval '1 day') d0
      cross join lateral (select d0::date as d, (d0::date + time '00:00') at time zone 'UTC' as due) dd
      cross join lateral (select case when abs(hashtext(p.id::text || d)) % 100 < (case when d = ${today}::date then 60 else 85 end) then 'completed' when d = ${today}::date then 'prompted' else 'missed' end as st) s
    where p.status <> 'hospitalized'`;
}

const QUESTIONS = [
  ['temperature', 'number', `to_jsonb(round((36 + random() * 2.5)::numeric, 1))`, '℃'],
  ['spo2', 'number', `to_jsonb(90 + floor(random() * 10)::int)`, '%'],
  ['cough', 'yesno', `to_jsonb(random() < 0.3)`, null],
  ['sore_throat', 'yesno', `to_jsonb(random() < 0.2)`, null],
  ['breathless', 'yesno', `to_jsonb(random() < 0.03)`, null],
  ['fatigue', 'yesno', `to_jsonb(random() < 0.3)`, null],
  ['nausea', 'yesno', `to_jsonb(random() < 0.05)`, null],
  ['diarrhoea', 'yesno', `to_jsonb(random() < 0.05)`, null],
  ['taste_smell', 'yesno', `to_jsonb(random() < 0.1)`, null],
  ['cannot_eat', 'yesno', `to_jsonb(random() < 0.02)`, null],
  ['pulse', 'number', `to_jsonb(60 + floor(random() * 40)::int)`, '/分'],
  ['comment', 'text', `to_jsonb('特になし'::text)`, null],
] as const;

async function createObservations(pg: Sql, perSession: number) {
  for (const [questionId, kind, value, unit] of QUESTIONS.slice(0, perSession)) {
    await pg.unsafe(
      `insert into observations (person_id, session_id, question_id, kind, value_number, value, unit, raw, status, channel, observed_at)
       select s.person_id, s.id, $1, $2, case when $2 = 'number' then (v #>> '{}')::float end, v, $3, v #>> '{}', 'answered', s.channel, s.completed_at
       from (select s.*, ${value} as v from check_sessions s where s.status = 'completed') s`,
      [questionId, kind, unit],
    );
  }
}

async function createAlerts(pg: Sql, today: string) {
  await pg`
    with a as (
      insert into alerts (person_id, session_id, centre_id, severity, reason, details, status, created_at, updated_at)
      select p.id, s.id, p.responsible_centre_id, case when p.case_number::text like '%7' then 'red' else 'amber' end,
        case when p.case_number::text like '%7' then 'spo2_critical' else 'fever' end,
        jsonb_build_object('reasons', jsonb_build_array(jsonb_build_object('ruleId', 'fever', 'ja', '38.0℃以上の発熱', 'en', 'Fever of 38.0 °C or more', 'values', jsonb_build_object('temperature', 38.4)))),
        case when abs(hashtext(p.id::text)) % 3 = 0 then 'acknowledged' else 'open' end, s.completed_at, s.completed_at
      from persons p join check_sessions s on s.person_id = p.id and s.local_date = ${today}::date and s.status = 'completed'
      where abs(hashtext(p.id::text)) % 100 < 3
      returning id, created_at
    )
    insert into alert_events (alert_id, kind, created_at) select id, 'raised', created_at from a`;
}

interface SavedDefinitions {
  foreignKeys: { table: string; name: string; def: string }[];
  constraints: { table: string; name: string; def: string }[];
  indexes: string[];
}

async function dropBulkIndexes(pg: Sql): Promise<SavedDefinitions> {
  const foreignKeys = await pg<{ table: string; name: string; def: string }[]>`
    select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
    where contype = 'f' and (conrelid::regclass::text in ${pg(BULK_TABLES)} or confrelid::regclass::text in ${pg(BULK_TABLES)})`;
  const constraints = await pg<{ table: string; name: string; def: string }[]>`
    select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
    where contype in ('p', 'u') and conrelid::regclass::text in ${pg(BULK_TABLES)}`;
  const indexes = await pg<{ name: string; def: string }[]>`
    select indexname as name, indexdef as def from pg_indexes
    where tablename in ${pg(BULK_TABLES)} and indexname not in (select conname from pg_constraint where contype in ('p', 'u'))`;
  for (const f of foreignKeys) await pg.unsafe(`alter table ${f.table} drop constraint ${f.name}`);
  for (const c of constraints) await pg.unsafe(`alter table ${c.table} drop constraint ${c.name}`);
  for (const i of indexes) await pg.unsafe(`drop index ${i.name}`);
  return { foreignKeys, constraints, indexes: indexes.map((i) => i.def) };
}

async function restoreBulkIndexes(pg: Sql, saved: SavedDefinitions) {
  await pg`set maintenance_work_mem = '1GB'`;
  for (const c of saved.constraints) await pg.unsafe(`alter table ${c.table} add constraint ${c.name} ${c.def}`);
  for (const def of saved.indexes) await pg.unsafe(def);
  for (const f of saved.foreignKeys) await pg.unsafe(`alter table ${f.table} add constraint ${f.name} ${f.def}`);
}
