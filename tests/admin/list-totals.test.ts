import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cappedTotal, LIST_COUNT_CAP } from '../../src/domain/capped-total';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

// Long lists count up to LIST_COUNT_CAP: a national list must not count a million rows
// on every page load. Here a centre holds 1,003 persons, 1,002 of them with an open alert.
let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let api: ReturnType<typeof bearer>;
const page = () => new Client(app);

beforeAll(async () => {
  deps = await createTestDeps();
  app = createApp(deps);
  const centre = await ensureCentre(deps, '13-777');
  await makeStaff(deps, { email: 'n@totals.jp', role: 'nurse', jurisdictionCode: '13-777' });
  api = bearer(app, await makeToken(deps, 'n@totals.jp'));
  await deps.db.execute(sql`
    with p as (
      insert into persons (case_number, name, name_kana, responsible_centre_id, classification, status)
      select 'T-' || lpad(g::text, 4, '0'), '件数 ' || g, 'ケンスウ ' || lpad(g::text, 4, '0'), ${centre}, 'confirmed', 'home_recuperation'
      from generate_series(1, 1003) g returning id, case_number
    )
    insert into alerts (person_id, centre_id, severity, reason, status)
    select id, ${centre}, 'amber', 'fever', 'open' from p where case_number <> 'T-1003'`);
});
afterAll(async () => {
  await deps?.close();
});

describe('list totals', () => {
  it('cappedTotal: exact up to the cap, "at least" past it', () => {
    expect(cappedTotal(12, 12)).toEqual({ total: 12, totalCapped: false });
    expect(cappedTotal(LIST_COUNT_CAP, 50)).toEqual({ total: LIST_COUNT_CAP, totalCapped: false });
    expect(cappedTotal(LIST_COUNT_CAP + 1, 50)).toEqual({ total: LIST_COUNT_CAP, totalCapped: true });
    expect(cappedTotal(LIST_COUNT_CAP + 1, 1003)).toEqual({ total: 1003, totalCapped: true });
  });

  it('the API says 1,000 or more past the cap, exactly below it, and pages on past 1,000', async () => {
    const all = await (await api('GET', '/api/v1/persons?list=all&limit=50')).json();
    expect(all).toMatchObject({ total: 1000, totalCapped: true });
    expect(all.persons[0].caseNumber).toBe('T-0001'); // kana order
    const searched = await (await api('GET', `/api/v1/persons?list=all&q=${encodeURIComponent('ケンスウ 099')}`)).json();
    expect(searched).toMatchObject({ total: 10, totalCapped: false });
    const last = await (await api('GET', '/api/v1/persons?list=all&limit=50&offset=1000')).json();
    expect(last.persons.map((p: { caseNumber: string }) => p.caseNumber)).toEqual(['T-1001', 'T-1002', 'T-1003']);
    expect(last).toMatchObject({ total: 1003, totalCapped: true });
    const alerts = await (await api('GET', '/api/v1/alerts?limit=10')).json();
    expect(alerts).toMatchObject({ total: 1000, totalCapped: true });
  });

  it('the pages say 以上 and keep a next link past the cap', async () => {
    const nurse = page();
    await nurse.signIn('n@totals.jp');
    const list = await (await nurse.get('/admin/persons?list=all')).text();
    expect(list).toContain('1,000人以上');
    expect(list).toContain('offset=50');
    const queue = await (await nurse.get('/admin')).text();
    expect(queue).toContain('1,000件以上');
    const rows = await nurse.get('/admin/triage/rows');
    expect(rows.headers.get('x-total')).toBe('1,000');
    expect(rows.headers.get('x-total-capped')).toBe('1');
    const notReported = await (await nurse.get('/admin/persons?list=not_reported')).text();
    expect(notReported).toContain('1,000人以上');
  });
});
