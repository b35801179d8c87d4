import { eq, sql } from 'drizzle-orm';
import { alerts, checkSessions, flowVersions, jurisdictions, observations, persons, staffUsers } from '../../db/schema';
import { queryRows, type Db } from '../../db/client';
import type { Actor } from '../../src/domain/context';

/** Two health centres under Tokyo (13) and a third under Osaka (27), for scope tests. */
export async function insertCentres(db: Db, suffix = '9') {
  const pref = async (code: string) => (await db.select().from(jurisdictions).where(eq(jurisdictions.code, code)))[0]!;
  const tokyo = await pref('13');
  const osaka = await pref('27');
  const mk = async (parent: typeof tokyo, code: string, ja: string, en: string) =>
    (await db.insert(jurisdictions).values({ kind: 'health_centre', parentId: parent.id, code, path: `${parent.path}${code}/`, nameJa: ja, nameEn: en }).returning())[0]!;
  const a = await mk(tokyo, `13-9${suffix}1`, 'みなと保健所', 'Minato HC');
  const b = await mk(tokyo, `13-9${suffix}2`, 'しながわ保健所', 'Shinagawa HC');
  const c = await mk(osaka, `27-9${suffix}1`, 'なにわ保健所', 'Naniwa HC');
  return { tokyo, osaka, a, b, c };
}

type J = { id: string; path: string };
export const staffActor = (role: Extract<Actor, { kind: 'staff' }>['role'], j: J | null, staffId = '00000000-0000-4000-8000-000000000001'): Actor => ({
  kind: 'staff', staffId, role, jurisdictionId: j?.id ?? null, jurisdictionPath: j?.path ?? null, institutionId: null, via: 'session',
});

export async function insertPerson(db: Db, centreId: string, over: Partial<typeof persons.$inferInsert> = {}) {
  const [p] = await db
    .insert(persons)
    .values({ caseNumber: `C-${Math.random().toString(36).slice(2, 10)}`, name: '見守 太郎', classification: 'confirmed', status: 'home_recuperation', responsibleCentreId: centreId, ...over })
    .returning();
  return p!;
}

/** A completed (or missed) check session with one temperature observation. */
export async function insertAnsweredCheck(db: Db, personId: string, localDate: string, opts: { round?: string; status?: 'completed' | 'missed' | 'prompted'; value?: number; raw?: string; at?: Date } = {}) {
  const [fv] = await db.select({ id: flowVersions.id }).from(flowVersions).limit(1);
  const at = opts.at ?? new Date(`${localDate}T01:00:00Z`);
  const [s] = await db
    .insert(checkSessions)
    .values({ personId, flowVersionId: fv!.id, localDate, round: opts.round ?? '09:00', channel: 'line', status: opts.status ?? 'completed', dueAt: at, expiresAt: at })
    .returning();
  if ((opts.status ?? 'completed') === 'completed') {
    await db.insert(observations).values({
      personId, sessionId: s!.id, questionId: 'temperature', kind: 'number', valueNumber: opts.value ?? 36.8, value: opts.value ?? 36.8, unit: '℃',
      raw: opts.raw ?? String(opts.value ?? 36.8), status: 'answered', channel: 'line', observedAt: at,
    });
  }
  return s!;
}

export async function insertAlert(db: Db, personId: string, centreId: string, severity: 'red' | 'amber', at: Date, status: 'open' | 'resolved' = 'open') {
  await db.insert(alerts).values({ personId, centreId, severity, reason: 'fever', status, createdAt: at });
}

export async function auditRows(db: Db, action: string) {
  return queryRows<{ actor_id: string | null; entity: string; entity_id: string | null; person_id: string | null; details: Record<string, unknown> | null }>(
    db, sql`select * from audit_log where action = ${action} order by id`);
}

/** A staff user row (no usable password: domain tests act through the Actor directly). */
export async function insertStaffActor(db: Db, role: Extract<Actor, { kind: 'staff' }>['role'], j: J | null): Promise<Actor> {
  const [u] = await db
    .insert(staffUsers)
    .values({ email: `${role}-${Math.random().toString(36).slice(2, 8)}@example.jp`, displayName: `${role} テスト`, passwordHash: 'x', role, jurisdictionId: j?.id ?? null })
    .returning({ id: staffUsers.id });
  return staffActor(role, j, u!.id);
}
