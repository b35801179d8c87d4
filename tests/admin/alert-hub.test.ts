import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { staffUsers } from '../../db/schema';
import { AlertHub, type AlertNotice } from '../../src/admin/pages/triage/alert-hub';
import type { StaffActor } from '../../src/admin/auth/types';
import { acknowledgeAlert } from '../../src/domain/alerts/acknowledge-alert';
import { raiseAlert } from '../../src/domain/alerts/raise-alert';
import { systemActor } from '../../src/domain/context';
import { eventRegistry } from '../../src/platform/metrics/events';
import { withTransaction } from '../../src/domain/context';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makeAlert, makePerson } from './fixtures';
import { ensureCentre, makeStaff, staffActorOf } from './support';

/** One LISTEN per process, fanned out to consoles, each hearing only alerts in its scope. */
let deps: TestDeps;
let hub: AlertHub;
const actors: Record<string, StaffActor> = {};


/** Resolves with the notices received once `count` arrived (or after the timeout, with what came). */
function collect(actor: StaffActor, count: number, timeoutMs = 5000): { done: Promise<AlertNotice[]>; ready: Promise<() => void> } {
  const got: AlertNotice[] = [];
  let finish!: (v: AlertNotice[]) => void;
  const done = new Promise<AlertNotice[]>((r) => (finish = r));
  const timer = setTimeout(() => finish(got), timeoutMs);
  const ready = hub.subscribe(actor, (n) => {
    got.push(n);
    if (got.length >= count) {
      clearTimeout(timer);
      finish(got);
    }
  });
  return { done, ready };
}

beforeAll(async () => {
  deps = await createTestDeps();
  hub = new AlertHub(deps);
  await ensureCentre(deps, '13-301');
  await ensureCentre(deps, '13-302');
  await makeStaff(deps, { email: 'h-a@h.jp', role: 'nurse', jurisdictionCode: '13-301' });
  await makeStaff(deps, { email: 'h-a2@h.jp', role: 'nurse', jurisdictionCode: '13-301' });
  await makeStaff(deps, { email: 'h-b@h.jp', role: 'nurse', jurisdictionCode: '13-302' });
  await makeStaff(deps, { email: 'h-p@h.jp', role: 'prefecture_officer', jurisdictionCode: '13' });
  actors.a = await staffActorOf(deps, 'h-a@h.jp', '/JP/13/13-301/');
  actors.a2 = await staffActorOf(deps, 'h-a2@h.jp', '/JP/13/13-301/');
  actors.b = await staffActorOf(deps, 'h-b@h.jp', '/JP/13/13-302/');
  actors.pref = await staffActorOf(deps, 'h-p@h.jp', '/JP/13/');
});
afterAll(async () => {
  await hub?.close();
  await deps?.close();
});

describe('AlertHub', () => {
  it('delivers a raised alert to the consoles whose scope includes it, and not to others', async () => {
    const personA = await makePerson(deps, '13-301');
    const a = collect(actors.a!, 2);
    const a2 = collect(actors.a2!, 2);
    const pref = collect(actors.pref!, 2);
    const b = collect(actors.b!, 1, 1500);
    const unsubs = await Promise.all([a.ready, a2.ready, pref.ready, b.ready]);
    expect(hub.size).toBe(4);

    const alertId = await makeAlert(deps, personA);
    await withTransaction(deps.db, { actor: actors.a!, now: new Date() }, (ctx) => acknowledgeAlert({ ctx, input: { alertId } }));

    const [gotA, gotA2, gotPref, gotB] = await Promise.all([a.done, a2.done, pref.done, b.done]);
    for (const got of [gotA, gotA2, gotPref]) {
      expect(got.map((n) => [n.alertId, n.created, n.event ?? 'raised'])).toEqual([
        [alertId, true, 'raised'],
        [alertId, false, 'acknowledged'],
      ]);
    }
    expect(gotB).toEqual([]);
    for (const u of unsubs) u();
    expect(hub.size).toBe(0);
  });

  it('times a new alert from its cause to the consoles (mimamori_alert_to_console_seconds), once a notice, only when a console heard it', async () => {
    const timing = async () => {
      const values = (await eventRegistry.getSingleMetric('mimamori_alert_to_console_seconds')!.get()).values.filter((v) => v.labels.severity === 'red');
      const of = (name: string) => values.find((v) => (v as { metricName?: string }).metricName === `mimamori_alert_to_console_seconds_${name}`)?.value ?? 0;
      return { count: of('count'), sum: of('sum') };
    };
    const person = await makePerson(deps, '13-301');
    const a = collect(actors.a!, 1);
    const a2 = collect(actors.a2!, 1);
    const unsubs = await Promise.all([a.ready, a2.ready]);
    const before = await timing();
    // The answer that raised it arrived 3 s ago (the verb's clock is the event's received time).
    const raisedAt = new Date(Date.now() - 3000);
    await withTransaction(deps.db, { actor: systemActor('alert-rules'), now: raisedAt }, (ctx) =>
      raiseAlert({ ctx, input: { personId: person, severity: 'red', reason: 'spo2_low', reasons: [{ ruleId: 'spo2_low', ja: 'SpO2 93%以下', en: 'SpO2 ≤ 93 %', values: { spo2: 92 } }], dedupeKey: `hub-timing:${person}` } }),
    );
    const [gotA] = await Promise.all([a.done, a2.done]);
    expect(gotA![0]!.at).toBeDefined();
    const after = await timing();
    expect(after.count - before.count).toBe(1); // two consoles heard it: one observation
    expect(after.sum - before.sum).toBeGreaterThanOrEqual(3);
    expect(after.sum - before.sum).toBeLessThan(60);
    for (const u of unsubs) u();
    // Nobody in scope listening (a console of another centre only): not timed.
    const other = collect(actors.b!, 1, 1500);
    const unsub = await other.ready;
    await makeAlert(deps, await makePerson(deps, '13-301'));
    expect(await other.done).toEqual([]);
    expect((await timing()).count).toBe(after.count);
    unsub();
  });
});
