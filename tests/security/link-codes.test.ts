import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, auditLog, outboundMessages, personChannels } from '../../db/schema';
import { withTransaction, type Actor } from '../../src/domain/context';
import { issueLinkCode } from '../../src/domain/persons/issue-link-code';
import { linkLineUser, MAX_WRONG_PER_CODE, type LinkResult } from '../../src/domain/persons/link-channel';
import { createTestDeps, type TestDeps } from '../support/deps';
import { linkCodeRefusals } from '../../src/platform/metrics/events';
import { makePerson } from '../admin/fixtures';
import { ensureCentre } from '../admin/support';

/**
 * Issue 19 (3): LINE link codes could be guessed in parallel from fresh LINE accounts
 * (6 digits, a limit per LINE account only), and whoever linked took over the person's
 * LINE. Codes are now 12 digits in two parts with limits that hold across accounts, and a
 * change of account is told to the old account and to the centre.
 */
let deps: TestDeps;
let clock = new Date('2026-08-01T01:00:00Z');
const webhook: Actor = { kind: 'webhook', provider: 'line' };
const FLOOD = 10;

beforeAll(async () => {
  deps = await createTestDeps({ LINK_CODE_FAILURES_PER_HOUR: String(FLOOD) }, { now: () => clock });
  await ensureCentre(deps, '13-951');
});
afterAll(async () => deps?.close());

const newUser = () => `U${randomBytes(16).toString('hex')}`;
const later = () => (clock = new Date(clock.getTime() + 2 * 3600_000)); // a fresh hour window for each test
const issue = (personId: string) => withTransaction(deps.db, { actor: { kind: 'system', name: 'test' }, now: clock }, (ctx) => issueLinkCode({ ctx, input: { personId }, env: deps.env })).then((r) => r.code);
const enter = (lineUserId: string, code: string): Promise<LinkResult> =>
  withTransaction(deps.db, { actor: webhook, now: clock }, (ctx) => linkLineUser({ ctx, input: { lineUserId, code }, env: deps.env }));
const digits = (code: string) => code.replace(/-/g, '');
/** The same first part (which code), another second part (the secret). */
const sameCodeWrongSecret = (code: string, i: number) => digits(code).slice(0, 6) + String((Number(digits(code).slice(6)) + 1 + i) % 1_000_000).padStart(6, '0');

describe('two-part codes with limits across LINE accounts', () => {
  it('is 12 digits in two parts; the old six-digit form is not a code', async () => {
    later();
    const personId = await makePerson(deps, '13-951');
    const code = await issue(personId);
    expect(code).toMatch(/^\d{4}-\d{4}-\d{4}$/);
    expect((await enter(newUser(), digits(code).slice(0, 6))).status).toBe('wrong_code');
  });

  it('fresh LINE accounts guessing one code’s secret at once: 5 wrong tries void the code, and then even the right code does not link', async () => {
    later();
    const personId = await makePerson(deps, '13-951');
    const code = await issue(personId);
    // Eight accounts (under the hourly limit for everyone, which the next test is about), one try each.
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => enter(newUser(), sameCodeWrongSecret(code, i))));
    expect(results.every((r) => r.status === 'wrong_code' || r.status === 'locked')).toBe(true);
    expect((await enter(newUser(), code)).status).toBe('wrong_code');
    expect(await deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'line')))).toHaveLength(0);
    const voided = await deps.db.select().from(auditLog).where(and(eq(auditLog.personId, personId), eq(auditLog.action, 'void_link_code')));
    expect(voided).toHaveLength(1);
    expect(voided[0]!.details).toMatchObject({ wrongTries: MAX_WRONG_PER_CODE });
    // A new code from the centre works.
    expect((await enter(newUser(), await issue(personId))).status).toBe('linked');
  });

  it(`wrong codes from everyone together: past ${FLOOD} an hour every entry waits, and one audit row alerts the operators`, async () => {
    later();
    const personId = await makePerson(deps, '13-951');
    const code = await issue(personId);
    const refusedBefore = (await linkCodeRefusals.get()).values[0]?.value ?? 0;
    const guesses = await Promise.all(Array.from({ length: 30 }, () => enter(newUser(), String(Math.floor(Math.random() * 1e12)).padStart(12, '0'))));
    expect(guesses.filter((r) => r.status === 'wrong_code').length).toBe(FLOOD);
    expect(guesses.filter((r) => r.status === 'locked').length).toBe(30 - FLOOD);
    const paused = await enter(newUser(), code);
    expect(paused.status).toBe('locked');
    const flood = await deps.db.select().from(auditLog).where(eq(auditLog.action, 'link_code_flood'));
    expect(flood).toHaveLength(1);
    // …and the operators' metric counts every refused try (the MimamoriLinkCodeGuessing rule pages on it).
    expect(((await linkCodeRefusals.get()).values[0]?.value ?? 0) - refusedBefore).toBe(30 - FLOOD + 1);
    later(); // the hour passes: the right code links
    expect((await enter(newUser(), code)).status).toBe('linked');
  });
});

describe('a change of LINE account is told', () => {
  it('the old account gets a LINE message and the centre an amber alert', async () => {
    later();
    const personId = await makePerson(deps, '13-951');
    const first = newUser();
    expect((await enter(first, await issue(personId))).status).toBe('linked');
    expect(await deps.db.select().from(alerts).where(eq(alerts.personId, personId))).toHaveLength(0);
    const second = newUser();
    const relinked = await enter(second, await issue(personId));
    expect(relinked).toMatchObject({ status: 'linked', replaced: true });
    const [notice] = await deps.db.select().from(outboundMessages).where(and(eq(outboundMessages.personId, personId), eq(outboundMessages.kind, 'link_changed')));
    expect((notice!.body as { to: string }).to).toBe(first);
    expect(JSON.stringify(notice!.body)).toContain('別のLINEアカウントに切り替えられました');
    const [alert] = await deps.db.select().from(alerts).where(eq(alerts.personId, personId));
    expect(alert).toMatchObject({ severity: 'amber', reason: 'line_relinked', status: 'open' });
    const [channel] = await deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'line')));
    expect(channel!.address).toBe(second);
  });
});
