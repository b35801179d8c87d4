import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { createApp } from '../../src/app';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createApiToken } from '../../src/domain/staff/create-api-token';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre } from './support/fixtures';

describe('Bull Board at /admin/queues', () => {
  let deps: TestDeps;
  let app: ReturnType<typeof createApp>;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    deps = await createTestDeps();
    app = createApp(deps);
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const nation = (await queryRows<{ id: string }>(deps.db, sql`select id from jurisdictions where code = 'JP'`))[0]!.id;
    for (const [role, jurisdiction] of [['national_officer', nation], ['centre_admin', centre], ['nurse', centre]] as const) {
      const [u] = await queryRows<{ id: string }>(
        deps.db,
        sql`insert into staff_users (email, display_name, password_hash, role, jurisdiction_id) values (${`${role}@example.jp`}, ${role}, 'x', ${role}, ${jurisdiction}) returning id`,
      );
      const { token } = await withTransaction(deps.db, { actor: systemActor('test'), now: new Date() }, (ctx) => createApiToken({ ctx, input: { staffId: u!.id, name: 'board' } }));
      tokens[role] = token;
    }
  });
  afterAll(async () => deps.close());

  const get = (path: string, role?: string) => app.request(path, { headers: role ? { authorization: `Bearer ${tokens[role]}` } : {} });

  it('shows the board and every queue to administrators', async () => {
    const page = await get('/admin/queues', 'national_officer');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Mimamori');
    const api = await get('/admin/queues/api/queues', 'centre_admin');
    expect(api.status).toBe(200);
    const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['scheduler', 'dispatch-line', 'dispatch-sms', 'dispatch-voice', 'rounds']));
  });

  it('refuses nurses, bad tokens and anonymous visitors', async () => {
    expect((await get('/admin/queues/api/queues', 'nurse')).status).toBe(403);
    expect((await app.request('/admin/queues/api/queues', { headers: { authorization: 'Bearer mmr_not-a-token' } })).status).toBe(401);
    const anonymous = await get('/admin/queues');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toContain('/admin/login');
  });
});
