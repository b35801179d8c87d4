import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSessions } from '../../db/schema';
import { smsDispatcher } from '../../src/bot/sms/dispatcher';
import { webDispatcher } from '../../src/bot/web/dispatcher';
import { systemActor, withTransaction } from '../../src/domain/context';
import { createHousehold } from '../../src/domain/households/household-verbs';
import { carryReminderChain } from '../../src/domain/households/household-session';
import { createTestDeps, type TestDeps } from '../support/deps';
import { createCentre, createPerson } from '../support/fixtures';
import { createTwilioApiMock } from '../support/twilio-api-mock';
import { createPendingSession, TWILIO_ENV } from './twilio/helpers';

/**
 * Issue 20: the reminder a household's reporter gets names the members whose check is
 * still open — and only those — in the reporter's language (SMS, and the web link's SMS).
 */
const twilioApi = createTwilioApiMock();
let deps: TestDeps;
const now = new Date('2026-03-10T01:00:00Z'); // 10:00 in Tokyo
let n = 0;

beforeAll(async () => {
  twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
  deps = await createTestDeps(TWILIO_ENV, { now: () => now });
  await createCentre(deps.db, { code: '13-931' });
});
afterAll(async () => {
  twilioApi.server.close();
  await deps?.close();
});

/** A mother and three children; 花子 and 太郎 still open, 次郎 answered, 三郎 with no check today. */
async function household(channel: 'sms' | 'web', lang: string) {
  n++;
  const phone = `090-2231-00${String(n).padStart(2, '0')}`;
  const mother = await createPerson(deps.db, '13-931', { name: '見守 花江', phone, preferredChannel: channel, preferredLanguage: lang }, now);
  const kids: { id: string }[] = [];
  for (const [name, dob] of [['見守 花子', '2020-12-01'], ['見守 太郎', '2018-05-01'], ['見守 次郎', '2016-01-01'], ['見守 三郎', '2014-01-01']] as const) {
    kids.push(await createPerson(deps.db, '13-931', { name, dateOfBirth: dob, preferredChannel: channel }, now));
  }
  await withTransaction(deps.db, { actor: systemActor('test'), now }, (ctx) =>
    createHousehold({ ctx, input: { reporterPersonId: mother.id, reporterRelation: '母', members: kids.map((k, i) => ({ personId: k.id, relation: '子', position: i + 1 })) } }),
  );
  const own = await createPendingSession(deps, mother.id, 'sms', now);
  await deps.db.update(checkSessions).set({ channel }).where(eq(checkSessions.id, own.id));
  for (const k of kids.slice(0, 3)) {
    const s = await createPendingSession(deps, k.id, 'sms', now);
    await deps.db.update(checkSessions).set({ source: 'household', channel, ...(k === kids[2] ? { status: 'completed', completedAt: now } : {}) }).where(eq(checkSessions.id, s.id));
  }
  return { mother, own, to: `+81${phone.replace(/-/g, '').slice(1)}` };
}

describe('a household reporter’s reminder', () => {
  it('by SMS names 花子 and 太郎 (still open), not 次郎 (answered) nor 三郎 (no check today)', async () => {
    const { own, to } = await household('sms', 'ja');
    await smsDispatcher.sendPrompts(deps, [own.id], 'prompt');
    expect(twilioApi.messages.at(-1)!.body).not.toContain('まだです');
    await smsDispatcher.sendPrompts(deps, [own.id], 'reminder');
    const reminder = twilioApi.messages.filter((m) => m.to === to).at(-1)!.body;
    expect(reminder).toContain('【再送】');
    expect(reminder).toContain('花子さん、太郎さんの健康観察がまだです。');
    expect(reminder).not.toMatch(/次郎|三郎/);
    expect(reminder).toContain('体温'); // the waiting question follows
  });

  it('by SMS after the mother answered her own check: the first open child carries the chain, its reminder goes to her number naming both', async () => {
    const { own, to, mother } = await household('sms', 'ja');
    await smsDispatcher.sendPrompts(deps, [own.id], 'prompt');
    await deps.db.update(checkSessions).set({ status: 'completed', completedAt: now, nextActionAt: null }).where(eq(checkSessions.id, own.id));
    await withTransaction(deps.db, { actor: systemActor('test'), now }, (ctx) => carryReminderChain(ctx, mother.id));
    const carrying = (await deps.db.select().from(checkSessions).where(eq(checkSessions.source, 'household'))).filter((s) => s.nextActionAt !== null);
    expect(carrying).toHaveLength(1); // 花子's, the first in household order
    expect(carrying[0]!.status).toBe('prompted');
    const before = twilioApi.messages.filter((m) => m.to === to).length;
    await smsDispatcher.sendPrompts(deps, [carrying[0]!.id], 'reminder');
    const sent = twilioApi.messages.filter((m) => m.to === to).slice(before).map((m) => m.body).join('\n');
    expect(sent).toContain('【再送】');
    expect(sent).toContain('花子さん、太郎さんの健康観察がまだです。');
    expect(sent).toContain('体温'); // 花子's first question, begun now
  });

  it('by SMS in the reporter’s language (Portuguese)', async () => {
    const { own, to } = await household('sms', 'pt-BR');
    await smsDispatcher.sendPrompts(deps, [own.id], 'prompt');
    await smsDispatcher.sendPrompts(deps, [own.id], 'reminder');
    const reminder = twilioApi.messages.filter((m) => m.to === to).at(-1)!.body;
    expect(reminder).toContain('Ainda falta responder: acompanhamento de 花子, 太郎.');
    expect(reminder).not.toMatch(/次郎|三郎|まだです/);
  });

  it('names nobody once every member has answered', async () => {
    const { own, to, mother } = await household('sms', 'ja');
    const rows = await deps.db.select().from(checkSessions).where(eq(checkSessions.source, 'household'));
    for (const r of rows) if (r.personId !== mother.id) await deps.db.update(checkSessions).set({ status: 'completed', completedAt: now }).where(eq(checkSessions.id, r.id));
    await smsDispatcher.sendPrompts(deps, [own.id], 'prompt');
    await smsDispatcher.sendPrompts(deps, [own.id], 'reminder');
    const reminder = twilioApi.messages.filter((m) => m.to === to).at(-1)!.body;
    expect(reminder).toContain('【再送】');
    expect(reminder).not.toContain('まだです');
  });

  it('with the web link names the same members above the link, in Vietnamese', async () => {
    const { own, to } = await household('web', 'vi');
    await webDispatcher.sendPrompts(deps, [own.id], 'reminder');
    const reminder = twilioApi.messages.filter((m) => m.to === to).at(-1)!.body;
    expect(reminder.split('\n')[0]).toBe('Chưa trả lời: phiếu sức khỏe của 花子, 太郎.');
    expect(reminder).toMatch(/\/c\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
    expect(reminder).not.toMatch(/次郎|三郎/);
  });
});
