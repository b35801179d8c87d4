import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateDb, type DbHandle } from '../../db/client';
import { jurisdictions } from '../../db/schema';
import { ensureReferenceData } from '../../db/seed/reference-data';
import { AlertHub, type AlertNotice } from '../../src/admin/pages/triage/alert-hub';
import type { Deps } from '../../src/deps';
import { raiseAlert } from '../../src/domain/alerts/raise-alert';
import { systemActor, withTransaction } from '../../src/domain/context';
import { ensureDefaultFlows } from '../../src/domain/flows/ensure-default-flows';
import { registerPerson } from '../../src/domain/persons/register-person';
import { eq } from 'drizzle-orm';

/** The embedded database (PGlite, used when DATABASE_URL is unset) has its own LISTEN: the hub uses it. */
let handle: DbHandle;

beforeAll(async () => {
  handle = await createDb({ dataDir: 'memory://' });
  await migrateDb(handle);
  await ensureReferenceData(handle.db);
  await ensureDefaultFlows(handle.db);
  const [pref] = await handle.db.select().from(jurisdictions).where(eq(jurisdictions.code, '13'));
  await handle.db.insert(jurisdictions).values({ kind: 'health_centre', parentId: pref!.id, code: '13-001', path: '/JP/13/13-001/', nameJa: '保健所', nameEn: 'Centre' });
}, 60_000);
afterAll(async () => {
  await handle?.close();
});

describe('AlertHub on PGlite', () => {
  it('hears alerts raised in the embedded database', async () => {
    const logger = { error() {}, warn() {}, info() {}, debug() {} } as unknown as Deps['logger'];
    const hub = new AlertHub({ db: handle.db, dbHandle: handle, logger, now: () => new Date() } as unknown as Deps);
    const got: AlertNotice[] = [];
    const arrived = new Promise<void>((resolve) => {
      void hub.subscribe({ kind: 'staff', staffId: '00000000-0000-4000-8000-000000000001', role: 'national_officer', jurisdictionId: null, jurisdictionPath: '/JP/', institutionId: null, via: 'session' }, (n) => {
        got.push(n);
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 100)); // let LISTEN register
    const ctxBase = { actor: systemActor('test'), now: new Date() };
    const { id: personId } = await withTransaction(handle.db, ctxBase, (ctx) => registerPerson({ ctx, input: { caseNumber: 'P-1', name: '組込 太郎', classification: 'confirmed', responsibleCentreCode: '13-001' } }));
    const { id } = await withTransaction(handle.db, ctxBase, (ctx) => raiseAlert({ ctx, input: { personId, severity: 'red', reason: 'test', reasons: [], dedupeKey: 'pglite:1' } }));
    await Promise.race([arrived, new Promise((r) => setTimeout(r, 5000))]);
    expect(got.map((n) => n.alertId)).toEqual([id]);
    await hub.close();
  });
});
