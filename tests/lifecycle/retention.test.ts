import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/client';
import { createApp } from '../../src/app';
import { appSecret } from '../../src/config/env';
import { systemActor, withTransaction } from '../../src/domain/context';
import { addPersonNote } from '../../src/domain/persons/person-notes';
import { addContact } from '../../src/domain/persons/person-contacts';
import { createWebLinkSigner } from '../../src/domain/web/link-token';
import { retentionEraseJob, retentionSweepJob } from '../../src/jobs/retention';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { redisText } from '../support/redis-text';
import { answerDailyCheck, dailyAnswers, makePerson } from '../admin/fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from '../admin/support';
import { startShortRetryRunner } from '../jobs/support/short-retry-runner';
import { drained } from '../jobs/support/wait';

// Deletion after RETENTION_DAYS: the personal data goes everywhere (every table, Redis),
// the statistics stay exactly as they were, a held record stays, and the console lists
// what is due 14 days ahead.
const NAME = '削除 対象子';
const KANA = 'サクジョ タイショウコ';
const PHONE = '+819055551234';
const CONTACT_NAME = '削除 母花江';
const CONTACT_PHONE = '+819055559876';
const CONTACT_LINE = 'Ucafebabecafebabecafebabecafebabe';
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let clock = new Date('2026-03-01T03:00:00Z');
let admin: ReturnType<typeof bearer>;
let officer: ReturnType<typeof bearer>;
const p: Record<string, string> = {};

async function endMonitoring(id: string, at: string) {
  clock = new Date(at);
  expect((await admin('POST', `/api/v1/persons/${id}/end-monitoring`, { reason: '療養終了' })).status).toBe(200);
}

beforeAll(async () => {
  deps = await createTestDeps({ RETENTION_DAYS: '30' }, { now: () => clock });
  app = createApp(deps);
  await ensureCentre(deps, '13-701');
  await makeStaff(deps, { email: 'adm@ret.jp', role: 'centre_admin', jurisdictionCode: '13-701' });
  await makeStaff(deps, { email: 'off@ret.jp', role: 'prefecture_officer', jurisdictionCode: '13' });
  admin = bearer(app, await makeToken(deps, 'adm@ret.jp'));
  officer = bearer(app, await makeToken(deps, 'off@ret.jp'));
  p.gone = await makePerson(deps, '13-701', { name: NAME, nameKana: KANA, phone: '090-5555-1234', address: '東京都港区削除町1-2-3', activityHistory: '削除町の会社に勤務' });
  p.held = await makePerson(deps, '13-701', { name: '保存 延長子', phone: '090-7777-0001' });
  p.recent = await makePerson(deps, '13-701', { name: '最近 終了子', phone: '090-7777-0002' });
  const sys = { actor: systemActor('test'), now: clock };
  // Everything a record gathers: answers (and a fever alert), notes, a contact, a call, a pause, a channel, messages, inbound events, a certificate.
  await answerDailyCheck(deps, p.gone, dailyAnswers('39.5', `${NAME}です。削除町にいます`));
  await answerDailyCheck(deps, p.held, dailyAnswers('36.5', '元気です'));
  await withTransaction(deps.db, sys, (ctx) => addPersonNote({ ctx, input: { personId: p.gone!, note: `${NAME}さん本人と電話` } }));
  await withTransaction(deps.db, sys, (ctx) => addContact({ ctx, input: { personId: p.gone!, contactPersonId: p.held!, setting: '同居' } }));
  expect((await admin('POST', `/api/v1/persons/${p.gone}/calls`, { outcome: 'no_answer', note: `${NAME}宛` })).status).toBe(201);
  await deps.db.execute(sql`insert into person_channels (person_id, kind, address, state) values (${p.gone}, 'line', 'Udeadbeefdeadbeefdeadbeefdeadbeef', 'verified') on conflict do nothing`);
  await deps.db.execute(sql`insert into outbound_messages (person_id, channel, kind, retry_key, status, body) values (${p.gone}, 'sms', 'prompt', ${`t:${p.gone}`}, 'delivered', ${JSON.stringify({ to: PHONE, text: `${NAME}様 体温を教えてください` })}::jsonb)`);
  await deps.db.execute(sql`insert into inbound_events (provider, provider_event_id, sender_key, payload, processed_at)
    values ('twilio_sms', 'SMdel1', encode(sha256(convert_to(${'phone:' + PHONE}, 'UTF8')), 'hex'), ${JSON.stringify({ From: PHONE, Body: `${NAME}です 37.0` })}::jsonb, now()),
           ('line', 'LINEdel1', encode(sha256(convert_to('line:Udeadbeefdeadbeefdeadbeefdeadbeef', 'UTF8')), 'hex'), ${JSON.stringify({ source: { userId: 'Udeadbeefdeadbeefdeadbeefdeadbeef' }, message: { text: NAME } })}::jsonb, now())`);
  // The household's reporter contact (a parent, not a person) on LINE with a phone kept: she goes with her only member.
  await deps.db.execute(sql`with h as (insert into households (responsible_centre_id, reporter_person_id, contact_name, contact_relation, contact_language, contact_channel, contact_address, contact_line_user_id)
      select responsible_centre_id, null, ${CONTACT_NAME}, '母', 'ja', 'line', ${CONTACT_PHONE}, ${CONTACT_LINE} from persons where id = ${p.gone} returning id)
    insert into household_members (household_id, person_id, relation, position) select id, ${p.gone}, '子', 1 from h`);
  await deps.db.execute(sql`insert into inbound_events (provider, provider_event_id, sender_key, payload, processed_at)
    values ('line', 'LINEdel2', encode(sha256(convert_to(${'line:' + CONTACT_LINE}, 'UTF8')), 'hex'), ${JSON.stringify({ source: { userId: CONTACT_LINE }, message: { text: CONTACT_NAME } })}::jsonb, now())`);
  await deps.db.execute(sql`update persons set monitoring_start = '2026-02-20', onset_date = '2026-02-19' where id in (${p.gone}, ${p.held}, ${p.recent})`);
  await endMonitoring(p.gone, '2026-03-01T03:00:00Z');
  await endMonitoring(p.held, '2026-03-01T03:00:00Z');
  expect((await admin('POST', `/api/v1/persons/${p.gone}/certificates`, { kind: 'recuperation' })).status).toBe(201);
  await endMonitoring(p.recent, '2026-03-25T03:00:00Z');
});
afterAll(async () => deps?.close());

const stats = async () => (await (await officer('GET', '/api/v1/stats?from=2026-02-01&to=2026-03-31')).json()) as Record<string, unknown>;

/** Every row of every table of the database, as text, that mentions one of the needles. */
async function tablesMentioning(needles: string[]): Promise<string[]> {
  const tables = await queryRows<{ t: string }>(deps.db, sql`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const hits: string[] = [];
  for (const { t } of tables) {
    for (const n of needles) {
      const [row] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from ${sql.identifier(t)} x where x::text like ${'%' + n + '%'}`);
      if (row!.n > 0) hits.push(`${t}: ${n}`);
    }
  }
  return hits;
}

describe('retention and deletion', () => {
  it('lists records due within 14 days in the console, held or not (officers may hold)', async () => {
    clock = new Date('2026-03-20T03:00:00Z'); // erased on 03-31: 11 days ahead
    const list = (await (await admin('GET', '/api/v1/retention')).json()) as { persons: { id: string; eraseOn: string }[] };
    expect(list.persons.map((x) => x.id).sort()).toEqual([p.gone, p.held].sort());
    expect(list.persons.find((x) => x.id === p.gone)!.eraseOn).toBe('2026-03-31');
    expect((await admin('POST', `/api/v1/persons/${p.held}/retention-hold`, { reason: '集団発生の調査中' })).status).toBe(403);
    expect((await officer('POST', `/api/v1/persons/${p.held}/retention-hold`, {})).status).toBe(422);
    expect((await officer('POST', `/api/v1/persons/${p.held}/retention-hold`, { reason: '集団発生の調査中' })).status).toBe(201);
    const web = new Client(app);
    await web.signIn('adm@ret.jp');
    const page = await (await web.get('/admin/retention')).text();
    expect(page).toContain('保存期限と削除');
    expect(page).toContain('2026-03-31');
    expect(page).toContain('保存延長中（集団発生の調査中）');
    expect(page).not.toContain(NAME); // a list of whom to forget shows case numbers, not names
  });

  it('erases in background batches: no personal data left in any table or Redis key, statistics unchanged, held records kept', async () => {
    const before = await stats();
    expect(JSON.stringify(before)).toContain('monitoring_ended'); // figures to keep, not an empty report
    expect((await tablesMentioning([NAME, PHONE])).length).toBeGreaterThan(5);
    expect((await tablesMentioning([CONTACT_NAME, '9055559876', 'Ucafebabe'])).sort()).toEqual(['households: 削除 母花江', 'households: 9055559876', 'households: Ucafebabe', 'inbound_events: 削除 母花江', 'inbound_events: Ucafebabe'].sort()); // the scan finds the data while it is there
    const [bad] = await queryRows<{ id: string }>(deps.db, sql`select id from check_sessions where person_id = ${p.gone} limit 1`);
    const token = await createWebLinkSigner(appSecret(deps.env)).sign(bad!.id, new Date('2026-12-31T00:00:00Z'));
    expect((await app.request(`/c/${token}`)).status).toBe(200);

    clock = new Date('2026-04-01T03:00:00Z');
    await runTick(deps, clock); // enqueues the day's sweep
    const runner = await startShortRetryRunner(deps, [retentionSweepJob, retentionEraseJob], ['retention']);
    try {
      await drained(runner, ['retention'], 30_000);
    } finally {
      await runner.close();
    }
    const [erasure] = await queryRows<{ counts: Record<string, number> }>(deps.db, sql`select counts from person_erasures where person_id = ${p.gone}`);
    expect(erasure!.counts.observations).toBeGreaterThan(10);
    expect(erasure!.counts.inbound_events).toBe(2);
    expect(await tablesMentioning([NAME, KANA, PHONE, '9055551234', '5555-1234', '削除町', 'Udeadbeef', CONTACT_NAME, '9055559876', 'Ucafebabe'])).toEqual([]);
    expect(erasure!.counts.household_contacts).toBe(1);
    expect(await redisText(deps.redis, deps.jobs.prefix)).not.toMatch(/削除 対象子|9055551234|削除町/);
    expect(await stats()).toEqual(before);

    const audit = await queryRows<{ action: string; details: Record<string, number> }>(deps.db, sql`select action, details from audit_log where person_id = ${p.gone} and action = 'erase'`);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details.observations).toBe(erasure!.counts.observations);
    expect((await app.request(`/c/${token}`)).status).toBe(404); // the link leads nowhere now
    const [held] = await queryRows<{ name: string }>(deps.db, sql`select name from persons where id = ${p.held}`);
    expect(held!.name).toBe('保存 延長子');
    const [recent] = await queryRows<{ name: string }>(deps.db, sql`select name from persons where id = ${p.recent}`);
    expect(recent!.name).toBe('最近 終了子');

    // Released, the held record goes at the next day's sweep.
    expect((await officer('DELETE', `/api/v1/persons/${p.held}/retention-hold`)).status).toBe(204);
    clock = new Date('2026-04-02T03:00:00Z');
    await runTick(deps, clock);
    const again = await startShortRetryRunner(deps, [retentionSweepJob, retentionEraseJob], ['retention']);
    try {
      await drained(again, ['retention'], 30_000);
    } finally {
      await again.close();
    }
    expect(await tablesMentioning(['保存 延長子', '9077770001'])).toEqual([]);
    expect(await stats()).toEqual(before);
  });
});
