import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeAlert, makePerson } from './fixtures';
import { bearer, ensureCentre, makeStaff, makeToken } from './support';

// The active queue is read by the alert's own centre (activeAlertScope): that only holds if
// a transfer moves every active alert with the person, and a share shows them too.
let deps: TestDeps;
let api: Record<'nurseA' | 'nurseB' | 'tokyo' | 'osaka', ReturnType<typeof bearer>>;

beforeAll(async () => {
  deps = await createTestDeps();
  const app = createApp(deps);
  await ensureCentre(deps, '13-881');
  await ensureCentre(deps, '27-882', '大阪テスト保健所', '27');
  await makeStaff(deps, { email: 'a@queue.jp', role: 'nurse', jurisdictionCode: '13-881' });
  await makeStaff(deps, { email: 'b@queue.jp', role: 'nurse', jurisdictionCode: '27-882' });
  await makeStaff(deps, { email: 'tokyo@queue.jp', role: 'prefecture_officer', jurisdictionCode: '13' });
  await makeStaff(deps, { email: 'osaka@queue.jp', role: 'prefecture_officer', jurisdictionCode: '27' });
  const as = async (email: string) => bearer(app, await makeToken(deps, email));
  api = { nurseA: await as('a@queue.jp'), nurseB: await as('b@queue.jp'), tokyo: await as('tokyo@queue.jp'), osaka: await as('osaka@queue.jp') };
});
afterAll(async () => {
  await deps?.close();
});

const queue = async (who: keyof typeof api, status?: string) => {
  const body = await (await api[who]('GET', `/api/v1/alerts${status ? `?status=${status}` : ''}`)).json();
  return (body.alerts as { id: string }[]).map((a) => a.id).sort();
};

describe('the active alert queue follows the person', () => {
  it('a transfer moves open and acknowledged alerts to the new centre and prefecture; resolved ones go by the person', async () => {
    const person = await makePerson(deps, '13-881');
    const open = await makeAlert(deps, person);
    const taken = await makeAlert(deps, person);
    const done = await makeAlert(deps, person);
    expect((await api.nurseA('POST', `/api/v1/alerts/${taken}/acknowledge`)).status).toBe(200);
    expect((await api.nurseA('POST', `/api/v1/alerts/${done}/resolve`, { outcome: 'called' })).status).toBe(200);
    const active = [open, taken].sort();
    expect(await queue('nurseA')).toEqual(active);
    expect(await queue('tokyo')).toEqual(active);
    expect(await queue('osaka')).toEqual([]);

    expect((await api.nurseA('POST', `/api/v1/persons/${person}/transfer`, { centreCode: '27-882' })).status).toBe(200);
    expect(await queue('nurseA')).toEqual([]);
    expect(await queue('tokyo')).toEqual([]);
    expect(await queue('nurseB')).toEqual(active);
    expect(await queue('osaka')).toEqual(active);
    // Resolved alerts are read through the person's scope: the new centre sees the history.
    expect(await queue('nurseB', 'resolved')).toEqual([done]);
    expect(await queue('nurseA', 'resolved')).toEqual([]);

    // Shared back with the old centre: its nurse and prefecture see the active alerts again.
    expect((await api.nurseB('POST', `/api/v1/persons/${person}/shares`, { centreCode: '13-881' })).status).toBeLessThan(300);
    expect(await queue('nurseA')).toEqual(active);
    expect(await queue('tokyo')).toEqual(active);
  });
});
