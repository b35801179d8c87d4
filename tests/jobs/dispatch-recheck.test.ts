import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDispatch } from '../../src/jobs/dispatch';
import { runTick } from '../../src/jobs/tick';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPersons, sessionsOf } from './support/fixtures';
import { recordDispatchers } from './support/recording-dispatcher';

// A dispatch job re-checks what it was given just before sending (jobs may wait in a queue).
describe('dispatch re-check', () => {
  let clock = new Date('2026-12-15T00:00:00Z'); // 09:00 JST
  let deps: TestDeps;
  let rec: ReturnType<typeof recordDispatchers>;
  let centre: string;
  beforeAll(async () => {
    deps = await createTestDeps({}, { now: () => clock });
    rec = recordDispatchers();
    centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
  });
  afterAll(async () => {
    rec.restore();
    await deps.close();
  });

  it('sends nothing to a person hospitalized meanwhile, and cancels their check', async () => {
    const [stays, leaves] = await createPersons(deps.db, { centreId: centre, count: 2 });
    await runTick(deps, clock);
    await deps.db.execute(sql`update persons set status = 'hospitalized' where id = ${leaves!}`);
    const ids = (await sessionsOf(deps.db, [stays!, leaves!])).map((s) => s.id);
    expect(await runDispatch(deps, 'line', ids, 'prompt')).toEqual({ sent: 1 });
    const after = await sessionsOf(deps.db, [leaves!]);
    expect(after[0]!.status).toBe('cancelled');
    expect(rec.ids('line')).not.toContain(after[0]!.id);
    expect(rec.ids('line')).toHaveLength(1);
  });

  it('sends no late prompt once the round is over: the session is closed as missed', async () => {
    const [id] = await createPersons(deps.db, { centreId: centre });
    clock = new Date('2026-12-16T00:00:00Z');
    await runTick(deps, clock);
    const [s] = await sessionsOf(deps.db, [id!]);
    clock = new Date('2026-12-16T06:00:00Z'); // 15:00 JST: the next round has started
    const before = rec.sends.length;
    expect(await runDispatch(deps, 'line', [s!.id], 'prompt')).toEqual({ sent: 0 });
    expect((await sessionsOf(deps.db, [id!]))[0]!.status).toBe('missed');
    expect(rec.sends.length).toBe(before);
  });
});
