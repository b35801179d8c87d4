import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { alerts, outboundMessages, personChannels } from '../../../db/schema';
import { webDispatcher } from '../../../src/bot/web/dispatcher';
import { countSmsSegments, MAX_PROMPT_SEGMENTS } from '../../../src/bot/sms/segments';
import { createWebLinkSigner } from '../../../src/domain/web/link-token';
import { appSecret } from '../../../src/config/env';
import { createTestDeps, type TestDeps } from '../../support/deps';
import { createCentre, createPerson } from '../../support/fixtures';
import { createLineApiMock, LINE_TEST_BASE_URL } from '../../support/line-api-mock';
import { openWebCheck } from './helpers';

const NOW = new Date('2026-11-24T00:00:00Z'); // 09:00 in Tokyo
const TWILIO_BASE = 'https://twilio-api.test';
const TWILIO_ENV = { TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'twilio-test-token', TWILIO_FROM_NUMBER: '+815000000000', TWILIO_API_BASE_URL: TWILIO_BASE };

async function rowsOf(deps: TestDeps, sessionId: string) {
  return deps.db.select().from(outboundMessages).where(eq(outboundMessages.sessionId, sessionId));
}

/** The /c/<token> link in a text, checked with the app's key: it must lead to exactly this session. */
async function linkedSession(deps: TestDeps, text: string): Promise<string | null> {
  const token = /\/c\/([A-Za-z0-9_.-]+)/.exec(text)?.[1];
  if (!token) return null;
  const r = await createWebLinkSigner(appSecret(deps.env)).verify(token);
  return r.ok ? r.sessionId : null;
}

describe('web dispatcher without any provider (the demo)', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps({}, { now: () => NOW });
    await createCentre(deps.db, { code: 'wd-none' });
  });
  afterAll(async () => deps?.close());

  it('records the prompt as failed with "no provider configured", raises no alert, and a retry adds nothing', async () => {
    const { id } = await createPerson(deps.db, 'wd-none', { preferredChannel: 'web', phone: '090-1111-0000' }, NOW);
    const { sessionId } = await openWebCheck(deps, id);
    await webDispatcher.sendPrompts(deps, [sessionId], 'prompt');
    await webDispatcher.sendPrompts(deps, [sessionId], 'prompt');
    const rows = await rowsOf(deps, sessionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'web', kind: 'web_link_prompt', status: 'failed', errorCode: 'no_provider', errorMessage: 'no provider configured', body: null });
    expect(await deps.db.select().from(alerts).where(eq(alerts.personId, id))).toHaveLength(0);
  });
});

describe('web dispatcher by SMS (Twilio configured)', () => {
  let deps: TestDeps;
  const sent: URLSearchParams[] = [];
  const twilio = setupServer(
    http.post(`${TWILIO_BASE}/2010-04-01/Accounts/:sid/Messages.json`, async ({ request }) => {
      sent.push(new URLSearchParams(await request.text()));
      return HttpResponse.json({ sid: `SM${String(sent.length).padStart(32, '0')}`, status: 'queued' }, { status: 201 });
    }),
  );
  beforeAll(async () => {
    twilio.listen({ onUnhandledRequest: 'bypass' });
    deps = await createTestDeps({ ...TWILIO_ENV, PUBLIC_BASE_URL: 'https://mimamori.example.jp' }, { now: () => NOW });
    await createCentre(deps.db, { code: 'wd-sms' });
  });
  afterAll(async () => {
    twilio.close();
    await deps?.close();
  });

  it('sends one short SMS with the personal link, once, and never the person’s name', async () => {
    const { id } = await createPerson(deps.db, 'wd-sms', { preferredChannel: 'web', phone: '090-2222-0000', name: '送信 花子' }, NOW);
    const { sessionId } = await openWebCheck(deps, id);
    await webDispatcher.sendPrompts(deps, [sessionId], 'prompt');
    await webDispatcher.sendPrompts(deps, [sessionId], 'prompt'); // a retried job
    expect(sent).toHaveLength(1);
    expect(sent[0]!.get('To')).toBe('+819022220000');
    const body = sent[0]!.get('Body')!;
    expect(body).toContain('https://mimamori.example.jp/c/');
    expect(body).toContain('今日の健康観察');
    expect(body).not.toContain('花子');
    // Segments, not characters: Japanese goes as UCS-2 (70 units, 67 per part once split).
    expect(countSmsSegments(body)).toMatchObject({ encoding: 'ucs2', segments: 2 });
    expect(await linkedSession(deps, body)).toBe(sessionId);
    const rows = await rowsOf(deps, sessionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'sms', kind: 'web_link_prompt', status: 'sending', providerMessageId: 'SM00000000000000000000000000000001' });
  });

  it('a reminder goes as a second, marked message', async () => {
    const { id } = await createPerson(deps.db, 'wd-sms', { preferredChannel: 'web', phone: '090-3333-0000' }, NOW);
    const { sessionId } = await openWebCheck(deps, id);
    sent.length = 0;
    await webDispatcher.sendPrompts(deps, [sessionId], 'reminder');
    expect(sent[0]!.get('Body')).toContain('再送');
    expect((await rowsOf(deps, sessionId)).map((r) => r.kind)).toEqual(['web_link_reminder']);
  });

  it('costs at most two SMS segments in every language, prompt and reminder alike', async () => {
    for (const lang of ['ja', 'en', 'ja-easy'] as const) {
      const { id } = await createPerson(deps.db, 'wd-sms', { preferredChannel: 'web', phone: '090-5555-0000', preferredLanguage: lang }, NOW);
      const { sessionId } = await openWebCheck(deps, id);
      for (const kind of ['prompt', 'reminder'] as const) {
        sent.length = 0;
        await webDispatcher.sendPrompts(deps, [sessionId], kind);
        const body = sent[0]!.get('Body')!;
        expect(await linkedSession(deps, body)).toBe(sessionId);
        const count = countSmsSegments(body);
        expect(count.encoding, `${lang} ${kind}`).toBe(lang === 'en' ? 'gsm7' : 'ucs2');
        expect(count.segments, `${lang} ${kind}: ${count.units} units`).toBeLessThanOrEqual(MAX_PROMPT_SEGMENTS);
      }
    }
  });

  it('never texts a number that opted out', async () => {
    const { id } = await createPerson(deps.db, 'wd-sms', { preferredChannel: 'web', phone: '090-4444-0000' }, NOW);
    await deps.db.update(personChannels).set({ state: 'opted_out' }).where(eq(personChannels.personId, id));
    const { sessionId } = await openWebCheck(deps, id);
    sent.length = 0;
    await webDispatcher.sendPrompts(deps, [sessionId], 'prompt');
    expect(sent).toHaveLength(0);
    expect((await rowsOf(deps, sessionId))[0]).toMatchObject({ status: 'failed', errorMessage: 'no usable SMS number or LINE account' });
  });
});

describe('web dispatcher by LINE push (LINE configured, no Twilio)', () => {
  let deps: TestDeps;
  const line = createLineApiMock();
  beforeAll(async () => {
    line.server.listen({ onUnhandledRequest: 'bypass' });
    deps = await createTestDeps({ LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't', LINE_API_BASE_URL: LINE_TEST_BASE_URL }, { now: () => NOW });
    await createCentre(deps.db, { code: 'wd-line' });
  });
  afterAll(async () => {
    line.server.close();
    await deps?.close();
  });

  it('pushes the link to the linked LINE account with a retry key, once', async () => {
    const { id } = await createPerson(deps.db, 'wd-line', { preferredChannel: 'web', preferredLanguage: 'en' }, NOW);
    await deps.db.insert(personChannels).values({ personId: id, kind: 'line', address: `U${'1'.repeat(32)}`, state: 'verified' });
    const { sessionId } = await openWebCheck(deps, id);
    await webDispatcher.sendPrompts(deps, [sessionId], 'prompt');
    await webDispatcher.sendPrompts(deps, [sessionId], 'prompt');
    const pushes = line.of('push');
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.retryKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(pushes[0]!.body.to).toBe(`U${'1'.repeat(32)}`);
    const text = pushes[0]!.body.messages[0].text as string;
    expect(text).toContain('daily health check');
    expect(await linkedSession(deps, text)).toBe(sessionId);
    expect((await rowsOf(deps, sessionId))[0]).toMatchObject({ channel: 'line', status: 'sent' });
  });
});
