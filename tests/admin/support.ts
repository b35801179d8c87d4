import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { jurisdictions, medicalInstitutions, staffUsers } from '../../db/schema';
import type { StaffActor } from '../../src/admin/auth/types';
import { createApp } from '../../src/app';
import type { Deps } from '../../src/deps';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createApiToken } from '../../src/domain/staff/create-api-token';
import { createStaff, type CreateStaffInput } from '../../src/domain/staff/create-staff';

export const PASSWORD = 'correct horse battery';

/** A health centre under a prefecture (Tokyo, 13, by default): path /JP/<pref>/<code>/. */
export async function ensureCentre(deps: Deps, code: string, nameJa = `${code}保健所`, prefecture = '13'): Promise<string> {
  const [pref] = await deps.db.select().from(jurisdictions).where(eq(jurisdictions.code, prefecture));
  const [row] = await deps.db
    .insert(jurisdictions)
    .values({ kind: 'health_centre', parentId: pref!.id, code, path: `/JP/${prefecture}/${code}/`, nameJa, nameEn: `${code} Health Centre`, phone: '03-0000-0000' })
    .onConflictDoNothing()
    .returning({ id: jurisdictions.id });
  if (row) return row.id;
  const [found] = await deps.db.select({ id: jurisdictions.id }).from(jurisdictions).where(eq(jurisdictions.code, code));
  return found!.id;
}

export async function ensureInstitution(deps: Deps, code: string, centreId: string): Promise<string> {
  const [row] = await deps.db.insert(medicalInstitutions).values({ code, name: `${code} Clinic`, jurisdictionId: centreId }).onConflictDoNothing().returning({ id: medicalInstitutions.id });
  if (row) return row.id;
  const [found] = await deps.db.select({ id: medicalInstitutions.id }).from(medicalInstitutions).where(eq(medicalInstitutions.code, code));
  return found!.id;
}

export async function makeStaff(deps: Deps, input: Omit<CreateStaffInput, 'password' | 'displayName'> & { displayName?: string; password?: string }): Promise<string> {
  const { id } = await withTransaction(deps.db, { actor: systemActor('test'), now: deps.now() }, (ctx) =>
    createStaff({ ctx, input: { displayName: input.email.split('@')[0]!, password: PASSWORD, ...input } }),
  );
  return id;
}

/** A staff user's actor as a signed-in console session has it. */
export async function staffActorOf(deps: Deps, email: string, path: string): Promise<StaffActor> {
  const [u] = await deps.db.select().from(staffUsers).where(eq(staffUsers.email, email));
  return { kind: 'staff', staffId: u!.id, role: u!.role, jurisdictionId: u!.jurisdictionId, jurisdictionPath: path, institutionId: u!.institutionId, via: 'session' };
}

export async function makeToken(deps: Deps, staffEmail: string): Promise<string> {
  const { token } = await withTransaction(deps.db, { actor: systemActor('test'), now: deps.now() }, (ctx) => createApiToken({ ctx, input: { staffEmail, name: 'test' } }));
  return token;
}

/** Cookies from Set-Cookie headers, as one Cookie header value. */
export function cookiesOf(res: Response, jar: Record<string, string> = {}): Record<string, string> {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair!.indexOf('=');
    const name = pair!.slice(0, i);
    const value = pair!.slice(i + 1);
    if (/max-age=0/i.test(line) || value === '') delete jar[name];
    else jar[name] = value;
  }
  return jar;
}
export const cookieHeader = (jar: Record<string, string>) => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');

export type TestApp = ReturnType<typeof createApp>;

/** What @hono/node-server hands the app for a connection from `ip` (getConnInfo reads it). */
export const fromSocket = (ip: string) => ({ incoming: { socket: { remoteAddress: ip, remotePort: 40000, remoteFamily: ip.includes(':') ? 'IPv6' : 'IPv4' } } });

/** A browser-like client over app.request(): keeps cookies, knows the CSRF token. */
export class Client {
  jar: Record<string, string> = {};
  csrf = '';
  /** `bindings`: e.g. fromSocket('192.0.2.1') to call as a client at that address. */
  constructor(
    readonly app: TestApp,
    readonly bindings?: object,
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (Object.keys(this.jar).length) headers.set('cookie', cookieHeader(this.jar));
    const res = await this.app.request(path, { ...init, headers }, this.bindings);
    cookiesOf(res, this.jar);
    return res;
  }

  get(path: string) {
    return this.request(path);
  }

  /** A form post with the CSRF token (unless `csrf: false`). */
  form(path: string, fields: Record<string, string | string[]>, opts: { csrf?: boolean } = {}) {
    const body = new URLSearchParams();
    if (opts.csrf !== false) body.set('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return this.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** JSON call with the session cookie and the X-CSRF-Token header. */
  json(method: string, path: string, body?: unknown) {
    return this.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-csrf-token': this.csrf } });
  }

  /** Sign in through the login form; afterwards `csrf` holds the session's token. */
  async signIn(email: string, password = PASSWORD): Promise<Response> {
    const form = await this.get('/admin/login');
    const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
    const res = await this.request('/admin/login', {
      method: 'POST',
      body: new URLSearchParams({ _csrf: loginCsrf, email, password }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (res.status === 303 && res.headers.get('location') !== '/admin/login/totp') await this.refreshCsrf();
    return res;
  }

  /**
   * Sign in as an officer whose role needs the second factor: enrol TOTP on first sign-in
   * with the secret the page shows, and answer with the code for `at` (the app's clock).
   */
  async signInWithTotp(email: string, at: Date = new Date()): Promise<void> {
    const res = await this.signIn(email);
    if (res.headers.get('location') !== '/admin/login/totp') throw new Error(`expected the second-factor step, got ${res.status} ${res.headers.get('location')}`);
    const page = await (await this.get('/admin/login/totp')).text();
    const secret = /data-totp-secret="?[^>]*>([A-Z2-7]+)</.exec(page)?.[1];
    if (!secret) throw new Error('no TOTP secret on the enrolment page (already enrolled?)');
    const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: at.getTime() });
    const done = await this.request('/admin/login/totp', { method: 'POST', body: new URLSearchParams({ _csrf: loginCsrf, code }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    if (done.status !== 303) throw new Error(`second factor refused: ${done.status}`);
    await this.refreshCsrf();
  }

  async refreshCsrf(): Promise<void> {
    const res = await this.get('/admin/account');
    const m = /<meta name="csrf-token" content="([^"]*)"/.exec(await res.text());
    this.csrf = m?.[1] ?? '';
  }
}

/** Bearer-token JSON calls. */
export function bearer(app: TestApp, token: string) {
  return (method: string, path: string, body?: unknown) =>
    app.request(path, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
}
