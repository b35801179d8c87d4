import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client';
import { createApp } from '../../src/app';
import { SESSION_COOKIE } from '../../src/admin/auth/cookies';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createApiToken } from '../../src/domain/staff/create-api-token';
import { createStaffSession } from '../../src/domain/staff/sessions';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre } from './support/fixtures';

const ROLES = ['national_officer', 'prefecture_officer', 'centre_admin', 'nurse'] as const;
type Role = (typeof ROLES)[number];

describe('Bull Board at /admin/queues', () => {
  let deps: TestDeps;
  let app: ReturnType<typeof createApp>;
  const tokens = {} as Record<Role, string>;
  const staffIds = {} as Record<Role, string>;
  beforeAll(async () => {
    deps = await createTestDeps();
    app = createApp(deps);
    const centre = (await createCentre(deps.db, 'Asia/Tokyo')).id;
    const code = (c: string) => queryRows<{ id: string }>(deps.db, sql`select id from jurisdictions where code = ${c}`).then((r) => r[0]!.id);
    const where: Record<Role, string> = { national_officer: await code('JP'), prefecture_officer: await code('13'), centre_admin: centre, nurse: centre };
    for (const role of ROLES) {
      const [u] = await queryRows<{ id: string }>(
        deps.db,
        sql`insert into staff_users (email, display_name, password_hash, role, jurisdiction_id) values (${`${role}@example.jp`}, ${role}, 'x', ${role}, ${where[role]}) returning id`,
      );
      staffIds[role] = u!.id;
      const { token } = await withTransaction(deps.db, { actor: systemActor('test'), now: new Date() }, (ctx) => createApiToken({ ctx, input: { staffId: u!.id, name: 'board' } }));
      tokens[role] = token;
    }
  });
  afterAll(async () => deps.close());

  const call = (path: string, role?: Role, method = 'GET') => app.request(path, { method, headers: role ? { authorization: `Bearer ${tokens[role]}` } : {} });
  const paused = (queue: string) => deps.jobs.inspectionQueues().find((q) => q.name === queue)!.isPaused();
  const auditRows = () =>
    queryRows<{ actor_id: string; action: string; entity: string; entity_id: string; details: Record<string, string> | null }>(
      deps.db,
      sql`select actor_id, action, entity, entity_id, details from audit_log where entity = 'job_queue' order by id`,
    );

  it('shows the board and every queue to national officers', async () => {
    const page = await call('/admin/queues', 'national_officer');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Mimamori');
    const api = await call('/admin/queues/api/queues', 'national_officer');
    expect(api.status).toBe(200);
    const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['scheduler', 'dispatch-line', 'dispatch-sms', 'dispatch-voice', 'rounds']));
  });

  it('refuses everyone scoped below the nation (they could stop every round nationwide), bad tokens and anonymous visitors', async () => {
    for (const role of ['prefecture_officer', 'centre_admin', 'nurse'] as const) {
      expect((await call('/admin/queues/api/queues', role)).status).toBe(403);
      expect((await call('/admin/queues/api/queues/dispatch-line/pause', role, 'PUT')).status).toBe(403);
    }
    expect(await paused('dispatch-line')).toBe(false);
    expect(await auditRows()).toEqual([]);
    expect((await app.request('/admin/queues/api/queues', { headers: { authorization: 'Bearer mmr_not-a-token' } })).status).toBe(401);
    const anonymous = await call('/admin/queues');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toContain('/admin/login');
  });

  it('audits every state-changing action: pause, resume, clean, retry, job actions', async () => {
    const rounds = deps.jobs.inspectionQueues().find((q) => q.name === 'rounds')!;
    await rounds.add('rounds.non-responder', { sessionId: '00000000-0000-4000-8000-000000000009' }, { jobId: 'board-delayed-1', delay: 3_600_000 });
    for (const [method, path] of [
      ['PUT', '/api/queues/dispatch-line/pause'],
      ['PUT', '/api/queues/dispatch-line/resume'],
      ['PUT', '/api/queues/dispatch-sms/clean/failed'],
      ['PUT', '/api/queues/dispatch-sms/retry/failed'],
      ['PUT', '/api/queues/rounds/board-delayed-1/promote'],
      ['PUT', '/api/queues/rounds/board-delayed-1/clean'],
    ] as const) {
      const res = await call(`/admin/queues${path}`, 'national_officer', method);
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
    }
    expect(await rounds.getJob('board-delayed-1')).toBeUndefined();
    const rows = await auditRows();
    expect(rows.map((r) => [r.action, r.entity_id, r.details])).toEqual([
      ['queue.pause', 'dispatch-line', {}],
      ['queue.resume', 'dispatch-line', {}],
      ['queue.clean', 'dispatch-sms', { target: 'failed' }],
      ['queue.retry', 'dispatch-sms', { target: 'failed' }],
      ['queue.job.promote', 'rounds', { jobId: 'board-delayed-1' }],
      ['queue.job.clean', 'rounds', { jobId: 'board-delayed-1' }],
    ]);
    expect(new Set(rows.map((r) => r.actor_id))).toEqual(new Set([staffIds.national_officer]));
  });

  describe('with the console session (the board in a browser)', () => {
    let cookie: string;
    let csrf: string;
    beforeAll(async () => {
      ({ cookie, csrfToken: csrf } = await withTransaction(deps.db, { actor: systemActor('test'), now: new Date() }, (ctx) => createStaffSession(ctx, { staffId: staffIds.national_officer, mfaPassed: true })));
    });
    const sessionCall = (path: string, method = 'GET', headers: Record<string, string> = {}) =>
      app.request(path, { method, headers: { cookie: `${SESSION_COOKIE}=${cookie}`, origin: 'http://localhost', ...headers } });

    it("hands the board's client the CSRF token as the XSRF-TOKEN cookie it echoes, so its buttons pass the CSRF check", async () => {
      const page = await sessionCall('/admin/queues');
      expect(page.status).toBe(200);
      const set = page.headers.getSetCookie().find((c) => c.startsWith('XSRF-TOKEN='))!;
      expect(set).toContain(`XSRF-TOKEN=${csrf}`);
      expect(set).toMatch(/Path=\/admin\/queues/);
      expect(set).toMatch(/SameSite=Strict/);
      expect(set).not.toMatch(/HttpOnly/);
      // What the board's axios sends when Pause is clicked: X-XSRF-TOKEN from that cookie.
      expect((await sessionCall('/admin/queues/api/queues/dispatch-voice/pause', 'PUT', { 'x-xsrf-token': csrf })).status).toBeLessThan(300);
      expect(await paused('dispatch-voice')).toBe(true);
      expect((await sessionCall('/admin/queues/api/queues/dispatch-voice/resume', 'PUT', { 'x-xsrf-token': csrf })).status).toBeLessThan(300);
      expect(await paused('dispatch-voice')).toBe(false);
    });

    it('refuses a state-changing call without the token (a cross-site request) and changes nothing', async () => {
      const before = (await auditRows()).length;
      const forged = await sessionCall('/admin/queues/api/queues/dispatch-voice/pause', 'PUT', { origin: 'https://evil.example' });
      expect(forged.status).toBe(403);
      expect(((await forged.json()) as { code: string }).code).toBe('csrf_failed');
      expect((await sessionCall('/admin/queues/api/queues/dispatch-voice/pause', 'PUT', { 'x-xsrf-token': 'wrong' })).status).toBe(403);
      expect(await paused('dispatch-voice')).toBe(false);
      expect((await auditRows()).length).toBe(before);
    });
  });
});
