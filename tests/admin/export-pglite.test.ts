import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateDb, type DbHandle } from '../../db/client';
import { ensureReferenceData } from '../../db/seed/reference-data';
import { withTransaction } from '../../src/domain/context';
import { ensureDefaultFlows } from '../../src/domain/flows/ensure-default-flows';
import { exportCsv } from '../../src/domain/reports/run-export';
import { getStats } from '../../src/domain/reports/stats';
import { insertAlert, insertAnsweredCheck, insertCentres, insertPerson, staffActor } from './flows-reports-fixtures';

/**
 * The embedded PGlite (the default when DATABASE_URL is unset) has no cursor API: the
 * export pages by keyset there. Same SQL for stats (time zones included).
 */
const NOW = new Date('2026-03-10T03:00:00Z');
let handle: DbHandle;
let centres: Awaited<ReturnType<typeof insertCentres>>;

beforeAll(async () => {
  handle = await createDb({ dataDir: 'memory://' });
  await migrateDb(handle);
  await ensureReferenceData(handle.db);
  await ensureDefaultFlows(handle.db);
  centres = await insertCentres(handle.db, '7');
  for (let i = 0; i < 5; i++) {
    const p = await insertPerson(handle.db, centres.a.id, { caseNumber: `P-${i}`, name: `髙橋 ${i}` });
    await insertAnsweredCheck(handle.db, p.id, '2026-03-09', { value: 36 + i / 10 });
    if (i === 0) await insertAlert(handle.db, p.id, centres.a.id, 'red', new Date('2026-03-09T14:30:00Z'));
  }
  await insertPerson(handle.db, centres.b.id, { caseNumber: 'Q-1', name: '品川 次郎' });
}, 120_000);
afterAll(async () => handle?.close());

describe('exports and stats on PGlite', () => {
  it('exports the scope in keyset pages (small chunks cross page boundaries)', async () => {
    const host = { dbHandle: handle, now: () => NOW, logger: { error: () => {} } };
    const read = async (kind: 'persons' | 'observations') => {
      const parts: Buffer[] = [];
      for await (const c of exportCsv(host, staffActor('nurse', centres.a), undefined, { kind }, { chunk: 2 }).stream) parts.push(c as Buffer);
      return Buffer.concat(parts).toString('utf8').replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    };
    const persons = await read('persons');
    expect(persons).toHaveLength(6);
    expect(persons.slice(1).map((r) => r.split(',')[2])).toEqual(['P-0', 'P-1', 'P-2', 'P-3', 'P-4']);
    expect(persons.join('\n')).not.toContain('品川');
    const observations = await read('observations');
    expect(observations).toHaveLength(6);
    expect(observations.slice(1).map((r) => r.split(',')[6]).sort()).toEqual(['36', '36.1', '36.2', '36.3', '36.4']);
  });

  it('computes the stats with local days', async () => {
    const s = await withTransaction(handle.db, { actor: staffActor('nurse', centres.a), now: NOW }, (ctx) => getStats({ ctx, input: { days: 3 } }));
    expect(s.alertsPerDay).toEqual([
      { date: '2026-03-08', red: 0, amber: 0 },
      { date: '2026-03-09', red: 1, amber: 0 }, // 14:30Z is 23:30 in Japan, still the 9th
      { date: '2026-03-10', red: 0, amber: 0 },
    ]);
    expect(s.checksPerRound).toEqual([{ date: '2026-03-09', round: '09:00', sent: 5, answered: 5, share: 1 }]);
  });
});
