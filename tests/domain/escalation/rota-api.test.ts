import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/app';
import { bearer, makeStaff, makeToken } from '../../admin/support';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre } from '../../support/fixtures';

// The rota API: GET/POST/DELETE /api/v1/jurisdictions/{code}/on-call, its refusals in
// Japanese, who may change it, and the warning when the coming night has nobody on call.
let deps: TestDeps;
let asAdmin: ReturnType<typeof bearer>;
let asNurse: ReturnType<typeof bearer>;
let asOtherAdmin: ReturnType<typeof bearer>;
const clock = new Date('2026-12-07T03:00:00Z'); // Monday 12:00 JST
const path = '/api/v1/jurisdictions/13-961/on-call';
const night = { name: '山田 花子', phone: '090-1234-5678', from: '2026-12-07T17:15:00+09:00', to: '2026-12-08T08:30:00+09:00', order: 1 };

beforeAll(async () => {
  deps = await createTestDeps({}, { now: () => clock });
  const app = createApp(deps);
  await createCentre(deps.db, { code: '13-961', openingHours: '{"days":[1,2,3,4,5],"open":"08:30","close":"17:15"}' });
  await createCentre(deps.db, { code: '13-962' });
  await makeStaff(deps, { email: 'a@961.jp', role: 'centre_admin', jurisdictionCode: '13-961' });
  await makeStaff(deps, { email: 'n@961.jp', role: 'nurse', jurisdictionCode: '13-961' });
  await makeStaff(deps, { email: 'a@962.jp', role: 'centre_admin', jurisdictionCode: '13-962' });
  asAdmin = bearer(app, await makeToken(deps, 'a@961.jp'));
  asNurse = bearer(app, await makeToken(deps, 'n@961.jp'));
  asOtherAdmin = bearer(app, await makeToken(deps, 'a@962.jp'));
});
afterAll(() => deps?.close());

describe('the on-call rota API', () => {
  it('warns when tonight has nobody on call, and no longer once a shift covers it', async () => {
    const empty = await (await asNurse('GET', path)).json();
    expect(empty.warningJa).toContain('当番がいない時間があります（12/7 17:30〜');
    const added = await asAdmin('POST', path, night);
    expect(added.status).toBe(201);
    // A weekday-night pattern from tomorrow on, with the phone typed as Excel/IME give it.
    const weekly = await asAdmin('POST', path, { ...night, name: '佐藤', phone: '０９０ー２２２２ー３３３３', from: '2026-12-08T17:15:00+09:00', to: '2026-12-09T08:30:00+09:00', repeat: 'weekly', days: [1, 2, 3, 4, 5] });
    expect(weekly.status).toBe(201);
    const view = await (await asNurse('GET', path)).json();
    expect(view.shifts.map((s: { name: string; phone: string }) => [s.name, s.phone])).toEqual([['山田 花子', '+819012345678'], ['佐藤', '+819022223333']]);
    expect(view.gaps).toEqual([]);
    expect(view.warningJa).toBeNull();
  });

  it('refuses a shift without a phone, an invalid number, an end before the start, in Japanese', async () => {
    const noPhone = await asAdmin('POST', path, { ...night, phone: undefined, order: 3 });
    expect(noPhone.status).toBe(422);
    expect((await noPhone.json()).fields).toEqual([expect.objectContaining({ field: 'phone', messageJa: '電話番号: 入力してください' })]);
    const bad = await (await asAdmin('POST', path, { ...night, phone: '12345', order: 3 })).json();
    expect(bad.fields[0]).toMatchObject({ field: 'phone', messageJa: '電話番号: 電話番号（090-1234-5678 など）で入力してください' });
    const backwards = await (await asAdmin('POST', path, { ...night, from: night.to, to: night.from, order: 3 })).json();
    expect(backwards.fields[0]).toMatchObject({ field: 'to', messageJa: '終了: 開始より後の日時にしてください' });
    const noDays = await (await asAdmin('POST', path, { ...night, order: 3, repeat: 'weekly' })).json();
    expect(noDays.fields[0].field).toBe('days');
  });

  it('refuses a shift overlapping another of the same order (409, in Japanese); a one-off may override a weekly one', async () => {
    const overlap = await asAdmin('POST', path, { ...night, name: '鈴木', from: '2026-12-08T07:00:00+09:00', to: '2026-12-08T09:00:00+09:00' });
    expect(overlap.status).toBe(409);
    expect((await overlap.json()).messageJa).toBe('同じ順番のシフト（山田 花子さん）と 12/8 07:00 から重なっています');
    const weeklyClash = await asAdmin('POST', path, { ...night, name: '鈴木', from: '2026-12-14T20:00:00+09:00', to: '2026-12-15T06:00:00+09:00', repeat: 'weekly', days: [1] });
    expect(weeklyClash.status).toBe(409);
    const override = await asAdmin('POST', path, { ...night, name: '鈴木', from: '2026-12-10T17:15:00+09:00', to: '2026-12-11T08:30:00+09:00' });
    expect(override.status).toBe(201);
    const secondOrder = await asAdmin('POST', path, { ...night, name: '高橋', order: 2 });
    expect(secondOrder.status).toBe(201);
  });

  it('lets only the centre\'s administrators change it; other centres do not see it', async () => {
    expect((await asNurse('POST', path, { ...night, order: 5 })).status).toBe(403);
    expect((await asOtherAdmin('GET', path)).status).toBe(404);
    expect((await asOtherAdmin('POST', path, { ...night, order: 5 })).status).toBe(404);
    const view = await (await asAdmin('GET', path)).json();
    const id = view.shifts.find((s: { name: string }) => s.name === '高橋').id;
    expect((await asOtherAdmin('DELETE', `${path}/${id}`)).status).toBe(404);
    expect((await asAdmin('DELETE', `${path}/${id}`)).status).toBe(200);
    expect((await asAdmin('DELETE', `${path}/${id}`)).status).toBe(404);
  });
});
