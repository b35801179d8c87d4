import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alerts, auditLog, checkSessions, enrollmentCodes, observations, outboundMessages, personChannels } from '../../../db/schema';
import { buttonsOf, clock, issueCode, lineEvent, newUserId, postbackEvent, registerPatient, say, setupLine, textEvent, textsOf, type LineTest } from './helpers';

let t: LineTest;
beforeAll(async () => {
  t = await setupLine();
});
afterAll(async () => t.close());
beforeEach(() => t.line.reset());

/** Answer whatever the last message asks: buttons by the rule given, typed Japanese otherwise. */
async function answerCheck(user: string, calls: Awaited<ReturnType<typeof say>>, pressFor: (questionId: string) => string) {
  let last = calls;
  for (let step = 0; step < 30; step++) {
    const text = textsOf(last);
    if (text.includes('ご回答ありがとうございました')) return last;
    const buttons = buttonsOf(last);
    if (buttons.length) {
      const q = new URLSearchParams(buttons[0]!.data).get('q')!;
      const want = pressFor(q);
      const button = buttons.find((b) => new URLSearchParams(b.data).get('v') === want) ?? buttons[0]!;
      last = await say(t, postbackEvent(user, button.data));
    } else if (text.includes('体温')) last = await say(t, textEvent(user, '３７度８分'));
    else last = await say(t, textEvent(user, 'なし')); // the urgent checklist (numbered) and the comment
  }
  throw new Error(`the check did not end: ${textsOf(last)}`);
}

describe('LINE conversation', () => {
  it('follow → link with a full-width code → a full daily check with buttons and typed Japanese → observations and a red alert', async () => {
    const personId = await registerPatient(t);
    const code = await issueCode(t.deps, personId);
    const user = newUserId();

    const greeting = await say(t, lineEvent(user, 'follow'));
    expect(greeting).toHaveLength(1);
    expect(greeting[0]!.endpoint).toBe('reply'); // a fresh reply token: the free reply API
    expect(textsOf(greeting)).toContain('12桁の連携コード');
    expect(textsOf(greeting)).toContain('12-digit link code');

    const fullWidth = code.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));
    const linked = await say(t, textEvent(user, fullWidth));
    expect(textsOf(linked)).toContain('連携が完了しました');
    expect(textsOf(linked)).toContain('みなと保健所');
    const [channel] = await t.deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'line')));
    expect(channel).toMatchObject({ address: user, state: 'verified' });
    const [codeRow] = await t.deps.db.select().from(enrollmentCodes).where(eq(enrollmentCodes.personId, personId));
    expect(codeRow!.usedAt).not.toBeNull();
    expect(codeRow!.codeHash).not.toContain(code);
    const audits = await t.deps.db.select().from(auditLog).where(and(eq(auditLog.personId, personId), eq(auditLog.action, 'link_channel')));
    expect(audits).toHaveLength(1);

    const started = await say(t, textEvent(user, '今すぐ報告'));
    expect(textsOf(started)).toContain('今日の健康観察です');
    expect(textsOf(started)).toContain('体温');
    const [session] = await t.deps.db.select().from(checkSessions).where(eq(checkSessions.personId, personId));
    expect(session).toMatchObject({ source: 'patient', channel: 'line' });

    const end = await answerCheck(user, started, (q) => (q === 'breathless' ? 'yes' : 'no'));
    expect(textsOf(end)).toContain('ご回答ありがとうございました');

    const obs = await t.deps.db.select().from(observations).where(eq(observations.sessionId, session!.id));
    const byQ = Object.fromEntries(obs.map((o) => [o.questionId, o]));
    expect(byQ.temperature).toMatchObject({ valueNumber: 37.8, raw: '３７度８分', channel: 'line', status: 'answered' });
    expect(byQ.breathless!.value).toBe(true);
    expect(byQ.cough!.value).toBe(false);
    expect(byQ.urgent!.value).toEqual(['none']);
    const [alert] = await t.deps.db.select().from(alerts).where(eq(alerts.personId, personId));
    expect(alert).toMatchObject({ severity: 'red', reason: 'breathless', sessionId: session!.id });
    const [done] = await t.deps.db.select().from(checkSessions).where(eq(checkSessions.id, session!.id));
    expect(done!.status).toBe('completed');

    // Outside a check: when the next one is, 今すぐ報告, how to reach the centre.
    const help = await say(t, textEvent(user, 'ありがとう'));
    expect(textsOf(help)).toMatch(/次の健康観察は(今日|明日)の\d\d:\d\dごろ/);
    expect(textsOf(help)).toContain('03-1234-5678');
    expect(buttonsOf(help).map((b) => b.label)).toContain('今すぐ報告');
    const records = await say(t, postbackEvent(user, 'a=records'));
    expect(textsOf(records)).toContain('体温 37.8℃');

    // A stale button from that (now completed) check records nothing and says so.
    const closed = await say(t, postbackEvent(user, `s=${session!.id}&q=cough&v=yes`));
    expect(textsOf(closed)).toContain('この健康観察は締め切られました');
    const after = await t.deps.db.select().from(observations).where(eq(observations.sessionId, session!.id));
    expect(after).toHaveLength(obs.length);
  });

  it("answers yesterday's button as closed instead of recording it into today's check", async () => {
    const personId = await registerPatient(t);
    const user = newUserId();
    await say(t, textEvent(user, await issueCode(t.deps, personId)));
    const first = await say(t, textEvent(user, '今すぐ報告'));
    await say(t, textEvent(user, '36.5')); // temperature answered; the next question has buttons
    const yesterdayButton = buttonsOf(await say(t, textEvent(user, '今すぐ報告')))[0]!.data;
    expect(yesterdayButton).toMatch(/^s=/);
    void first;
    clock.at = new Date(clock.at.getTime() + 24 * 3600_000); // the next day: yesterday's session expired
    try {
      await say(t, textEvent(user, '今すぐ報告')); // today's check
      const res = await say(t, postbackEvent(user, yesterdayButton));
      expect(textsOf(res)).toContain('締め切られました');
      const today = await t.deps.db.select().from(checkSessions).where(and(eq(checkSessions.personId, personId), eq(checkSessions.localDate, '2026-03-11')));
      expect(today).toHaveLength(1);
      const todaysObs = await t.deps.db.select().from(observations).where(eq(observations.sessionId, today[0]!.id));
      expect(todaysObs).toHaveLength(0);
    } finally {
      clock.at = new Date(clock.at.getTime() - 24 * 3600_000);
    }
  });

  it('answers a wrong code clearly and refuses a user after 5 wrong codes in an hour, even with the right code', async () => {
    const personId = await registerPatient(t);
    const code = await issueCode(t.deps, personId);
    const wrong = code.startsWith('000000') ? '111111111111' : '000000000000';
    const user = newUserId();
    const first = await say(t, textEvent(user, wrong));
    expect(textsOf(first)).toContain('連携コードが正しくないか');
    expect(textsOf(first)).toContain('あと4回');
    for (let i = 0; i < 4; i++) await say(t, textEvent(user, wrong));
    const locked = await say(t, textEvent(user, code));
    expect(textsOf(locked)).toContain('しばらく受け付けられません');
    expect(await t.deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'line')))).toHaveLength(0);
    // An hour later the right code works (another LINE user is never affected: conversation-edges.test.ts).
    clock.at = new Date(clock.at.getTime() + 61 * 60_000);
    try {
      expect(textsOf(await say(t, textEvent(user, code)))).toContain('連携が完了しました');
    } finally {
      clock.at = new Date(clock.at.getTime() - 61 * 60_000);
    }
    // Codes are one-time: a second LINE user with the same code gets "wrong".
    expect(textsOf(await say(t, textEvent(newUserId(), code)))).toContain('正しくないか');
  });

  it('re-linking needs a new code and moves the person to the new LINE account; one LINE account links one person', async () => {
    const personId = await registerPatient(t);
    const oldUser = newUserId();
    const code = await issueCode(t.deps, personId);
    await say(t, textEvent(oldUser, code));
    const newUser = newUserId();
    expect(textsOf(await say(t, textEvent(newUser, code)))).toContain('正しくないか'); // the used code is gone
    expect(textsOf(await say(t, textEvent(newUser, await issueCode(t.deps, personId))))).toContain('連携が完了しました');
    const channels = await t.deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'line')));
    expect(channels.map((c) => c.address)).toEqual([newUser]);
    expect(textsOf(await say(t, textEvent(oldUser, 'こんにちは')))).toContain('12桁の連携コード');
    // The new account typing another person's code is refused, and that code stays usable.
    const other = await registerPatient(t);
    const otherCode = await issueCode(t.deps, other);
    expect(textsOf(await say(t, textEvent(newUser, otherCode)))).toContain('別の方と連携されています');
    expect(textsOf(await say(t, textEvent(newUserId(), otherCode)))).toContain('連携が完了しました');
  });

  it('speaks English to a person who prefers it, once linked', async () => {
    const personId = await registerPatient(t, { preferredLanguage: 'en' });
    const user = newUserId();
    expect(textsOf(await say(t, textEvent(user, await issueCode(t.deps, personId))))).toContain('Your account is now linked');
    const started = await say(t, postbackEvent(user, 'a=report'));
    expect(textsOf(started)).toContain('What is your temperature today?');
    const contact = await say(t, postbackEvent(user, 'a=contact'));
    expect(textsOf(contact)).toContain('Phone: 03-1234-5678');
    expect(textsOf(contact)).toContain('Weekdays 08:30–17:15');
  });

  it('unfollow marks the channel unreachable and raises one channel_lost alert; re-follow welcomes back', async () => {
    const personId = await registerPatient(t);
    const user = newUserId();
    await say(t, textEvent(user, await issueCode(t.deps, personId)));
    expect(await say(t, lineEvent(user, 'unfollow'))).toHaveLength(0); // nothing can be sent to a blocker
    const [channel] = await t.deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'line')));
    expect(channel!.state).toBe('unreachable');
    await say(t, lineEvent(user, 'unfollow'));
    const lost = await t.deps.db.select().from(alerts).where(and(eq(alerts.personId, personId), eq(alerts.reason, 'channel_lost')));
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatchObject({ severity: 'amber', dedupeKey: `channel_lost:line:${personId}:2026-03-10` });
    const back = await say(t, lineEvent(user, 'follow'));
    expect(textsOf(back)).toContain('おかえりなさい');
    const [again] = await t.deps.db.select().from(personChannels).where(eq(personChannels.id, channel!.id));
    expect(again!.state).toBe('verified');
  });

  it('asks for buttons or text on a sticker, and shows the waiting question again', async () => {
    const personId = await registerPatient(t);
    const user = newUserId();
    await say(t, textEvent(user, await issueCode(t.deps, personId)));
    await say(t, textEvent(user, '今すぐ報告'));
    const res = await say(t, lineEvent(user, 'message', { message: { type: 'sticker', id: '1', packageId: '1', stickerId: '1' } }));
    expect(textsOf(res)).toContain('スタンプや画像');
    expect(textsOf(res)).toContain('体温');
  });

  it('replies while the token is fresh and pushes with a retry key otherwise (late processing, redelivery)', async () => {
    const user = newUserId();
    const fresh = await say(t, lineEvent(user, 'follow'));
    expect(fresh.map((c) => c.endpoint)).toEqual(['reply']);
    expect(fresh[0]!.retryKey).toBeNull();
    const late = lineEvent(user, 'message', { message: { type: 'text', id: '9', text: 'hello' }, timestamp: clock.at.getTime() - 120_000 });
    const pushed = await say(t, late);
    expect(pushed.map((c) => c.endpoint)).toEqual(['push']);
    expect(pushed[0]!.retryKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(pushed[0]!.body.to).toBe(user);
    const redelivered = await say(t, { ...textEvent(user, 'hello'), deliveryContext: { isRedelivery: true } });
    expect(redelivered.map((c) => c.endpoint)).toEqual(['push']);
    const rows = await t.deps.db.select().from(outboundMessages).where(eq(outboundMessages.kind, 'link'));
    expect(rows.every((r) => r.status === 'sent' && r.providerMessageId?.startsWith('req-'))).toBe(true);
  });

  it('retries a 429 after Retry-After with the same retry key, and records the outcome', async () => {
    const user = newUserId();
    t.line.failNext('push', { status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const calls = await say(t, lineEvent(user, 'follow', { deliveryContext: { isRedelivery: true } }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(calls.map((c) => c.endpoint)).toEqual(['push', 'push']);
    expect(calls[0]!.retryKey).toBe(calls[1]!.retryKey);
    const rows = await t.deps.db.select().from(outboundMessages).where(eq(outboundMessages.kind, 'greeting'));
    const row = rows.find((r) => (r.body as { to: string }).to === user)!;
    expect(row).toMatchObject({ status: 'sent', attempts: 1, providerMessageId: expect.stringMatching(/^req-/) });
  });
});
