import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { checkSessions, flowVersions, lineMulticasts, outboundMessages } from '../../db/schema';
import { createApp } from '../../src/app';
import { createTestDeps, type TestDeps } from '../support/deps';
import { makePerson } from './fixtures';
import { bearer, Client, ensureCentre, makeStaff, makeToken } from './support';

// 連絡の記録: a nurse sees what was sent and what the provider said of it, before phoning.
let deps: TestDeps;
let nurse: Client;
let api: ReturnType<typeof bearer>;
let personId: string;

beforeAll(async () => {
  deps = await createTestDeps();
  const app = createApp(deps);
  await ensureCentre(deps, '13-431');
  await makeStaff(deps, { email: 'c@a.jp', role: 'nurse', jurisdictionCode: '13-431' });
  nurse = new Client(app);
  await nurse.signIn('c@a.jp');
  api = bearer(app, await makeToken(deps, 'c@a.jp'));
  personId = await makePerson(deps, '13-431', { phone: '090-1234-0001' });
  const at = (m: number) => new Date(Date.UTC(2026, 4, 1, 0, m));
  await deps.db.insert(outboundMessages).values([
    { personId, channel: 'sms', kind: 'prompt', retryKey: `t:${personId}:1`, status: 'failed', errorCode: '21211', attempts: 1, body: { text: '体温を教えてください' }, createdAt: at(0), updatedAt: at(0) },
    { personId, channel: 'voice', kind: 'call', retryKey: `t:${personId}:2`, status: 'undelivered', errorCode: 'no-answer', attempts: 2, createdAt: at(30), updatedAt: at(30) },
    { personId, channel: 'line', kind: 'reminder', retryKey: `t:${personId}:3`, status: 'delivered', attempts: 1, createdAt: at(60), updatedAt: at(60) },
  ]);
});
afterAll(async () => deps?.close());

describe('contact attempts on a person record', () => {
  it('shows each message and call with its result in Japanese, newest first, without the text sent', async () => {
    const page = await (await nurse.get(`/admin/persons/${personId}`)).text();
    const table = page.slice(page.indexOf('id="contact-attempts"'), page.indexOf('</table>', page.indexOf('id="contact-attempts"')));
    expect(page).toContain('連絡の記録');
    // Provider codes in words (issue 18); the code itself stays only in an attribute for support.
    expect(table).toContain('data-error-code="21211">（無効な番号）');
    expect(table).toContain('data-error-code="no-answer">（応答なし）');
    expect(table).not.toMatch(/>[^<]*(21211|no-answer)/);
    expect(table).toContain('×2');
    expect(table.indexOf('再送')).toBeLessThan(table.indexOf('自動音声電話')); // newest first
    expect(table).not.toContain('体温を教えてください');
  });

  it('the API record carries them too', async () => {
    const body = await (await api('GET', `/api/v1/persons/${personId}`)).json();
    expect(body.contactAttempts.map((a: { channel: string; status: string; errorCode: string | null }) => [a.channel, a.status, a.errorCode])).toEqual([
      ['line', 'delivered', null],
      ['voice', 'undelivered', 'no-answer'],
      ['sms', 'failed', '21211'],
    ]);
  });
});

describe('a round\'s LINE prompt, recorded once per multicast (line_multicasts)', () => {
  it('shows on each named person\'s record as their own LINE prompt, and a failed multicast marks their check 送信失敗', async () => {
    const p = await makePerson(deps, '13-431', { phone: '090-1234-0002' });
    const [fv] = await deps.db.select({ id: flowVersions.id }).from(flowVersions).limit(1);
    const due = new Date(Date.UTC(2026, 4, 2, 0, 0));
    const [s] = await deps.db
      .insert(checkSessions)
      .values({ personId: p, flowVersionId: fv!.id, localDate: '2026-05-02', round: '09:00', channel: 'line', status: 'missed', dueAt: due, expiresAt: due })
      .returning();
    // Two others in the same multicast: their places in the arrays are not this person's.
    await deps.db.insert(lineMulticasts).values({
      kind: 'prompt', retryKey: `line:multicast:prompt:t-${p}`, personIds: [randomUUID(), p, randomUUID()], sessionIds: [randomUUID(), s!.id, randomUUID()],
      status: 'failed', errorCode: '400', errorMessage: 'bad request', attempts: 1, createdAt: due, updatedAt: due,
    });
    const body = await (await api('GET', `/api/v1/persons/${p}`)).json();
    expect(body.contactAttempts.map((a: { channel: string; kind: string; status: string; errorCode: string; sessionId: string }) => [a.channel, a.kind, a.status, a.errorCode, a.sessionId])).toEqual([['line', 'prompt', 'failed', '400', s!.id]]);
    const page = await (await nurse.get(`/admin/persons/${p}`)).text();
    const table = page.slice(page.indexOf('id="contact-attempts"'), page.indexOf('</table>', page.indexOf('id="contact-attempts"')));
    expect(table).toContain('data-kind="prompt"');
    expect(table).toContain('data-error-code="400"');
    const timeline = page.slice(page.indexOf('id="timeline"'), page.indexOf('</table>', page.indexOf('id="timeline"')));
    expect(timeline).toContain('data-session-state="send_failed"');
    // The first person's record shows none of it.
    const other = await (await api('GET', `/api/v1/persons/${personId}`)).json();
    expect(other.contactAttempts.some((a: { errorCode: string | null }) => a.errorCode === '400')).toBe(false);
  });
});
