import { and, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jurisdictions, personSharedCentres, persons } from '../../db/schema';
import { personScope } from '../../src/domain/access';
import type { Actor } from '../../src/domain/context';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createInstitution, createPerson, staffActor } from '../support/fixtures';

let deps: TestDeps;
const ids: Record<string, string> = {};
const centres: Record<string, { id: string; path: string }> = {};

beforeAll(async () => {
  deps = await createTestDeps();
  centres.shinjuku = await createCentre(deps.db, { code: 'j-shinjuku', prefecture: '13' });
  centres.setagaya = await createCentre(deps.db, { code: 'j-setagaya', prefecture: '13' });
  centres.osaka = await createCentre(deps.db, { code: 'j-osaka', prefecture: '27' });
  const clinic = await createInstitution(deps.db, { code: 'j-clinic', centreId: centres.shinjuku.id });
  ids.clinic = clinic.id;
  ids.a = (await createPerson(deps.db, 'j-shinjuku', { reportingInstitutionCode: 'j-clinic' })).id;
  ids.b = (await createPerson(deps.db, 'j-setagaya')).id;
  ids.c = (await createPerson(deps.db, 'j-osaka')).id;
  // Osaka shares person c with Shinjuku (関係保健所).
  await deps.db.insert(personSharedCentres).values({ personId: ids.c, jurisdictionId: centres.shinjuku.id });
});
afterAll(() => deps.close());

async function visible(actor: Actor): Promise<string[]> {
  const rows = await deps.db.select({ id: persons.id }).from(persons).where(personScope(actor));
  const names = Object.entries(ids).filter(([k]) => k !== 'clinic');
  return names.filter(([, id]) => rows.some((r) => r.id === id)).map(([k]) => k).sort();
}

describe('the jurisdiction tree', () => {
  it('finds every health centre under a prefecture with one prefix query', async () => {
    const [tokyo] = await deps.db.select().from(jurisdictions).where(eq(jurisdictions.code, '13'));
    const under = await deps.db
      .select({ code: jurisdictions.code })
      .from(jurisdictions)
      .where(and(like(jurisdictions.path, `${tokyo!.path}%`), eq(jurisdictions.kind, 'health_centre')));
    expect(under.map((u) => u.code).sort()).toEqual(['j-setagaya', 'j-shinjuku']);
  });

  it('counts persons per prefecture through the tree', async () => {
    const rows = await deps.db.execute(sql`
      select p.code, count(*)::int as n from persons x
      join jurisdictions c on c.id = x.responsible_centre_id
      join jurisdictions p on p.id = c.parent_id group by p.code order by p.code`);
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { code: string; n: number }[];
    expect(list).toEqual([{ code: '13', n: 2 }, { code: '27', n: 1 }]);
  });
});

describe('the access rule (personScope)', () => {
  it('a nurse sees her centre and what is shared with it', async () => {
    expect(await visible(staffActor('nurse', { jurisdictionId: centres.shinjuku!.id, jurisdictionPath: centres.shinjuku!.path }))).toEqual(['a', 'c']);
    expect(await visible(staffActor('centre_admin', { jurisdictionId: centres.setagaya!.id, jurisdictionPath: centres.setagaya!.path }))).toEqual(['b']);
  });

  it('a prefecture officer sees every centre of the prefecture (and persons shared into it)', async () => {
    expect(await visible(staffActor('prefecture_officer', { jurisdictionPath: '/JP/13/' }))).toEqual(['a', 'b', 'c']);
    expect(await visible(staffActor('prefecture_officer', { jurisdictionPath: '/JP/27/' }))).toEqual(['c']);
  });

  it('a national officer sees everyone; a clinician only what the institution reported', async () => {
    expect(await visible(staffActor('national_officer', { jurisdictionPath: '/JP/' }))).toEqual(['a', 'b', 'c']);
    expect(await visible(staffActor('clinician', { institutionId: ids.clinic }))).toEqual(['a']);
  });

  it('a staff user without a scope sees nobody', async () => {
    expect(await visible(staffActor('nurse', {}))).toEqual([]);
  });
});
