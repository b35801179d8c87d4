import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alerts, checkSessions, observations, outboundMessages, personChannels } from '../../../db/schema';
import { LINK_CODE_TTL_MS } from '../../../src/domain/persons/issue-link-code';
import { buttonsOf, clock, endMonitoringOf, issueCode, lineEvent, linkedPatient, newUserId, postbackEvent, registerPatient, say, setupLine, textEvent, textsOf, type LineTest } from './helpers';

let t: LineTest;
beforeAll(async () => {
  t = await setupLine();
});
afterAll(async () => t.close());
beforeEach(() => t.line.reset());

const channelOf = async (personId: string) => (await t.deps.db.select().from(personChannels).where(and(eq(personChannels.personId, personId), eq(personChannels.kind, 'line'))))[0];
const channelLost = (personId: string) => t.deps.db.select().from(alerts).where(and(eq(alerts.personId, personId), eq(alerts.reason, 'channel_lost')));
const rowFor = async (calls: { body: { to?: string } }[], kind: string) =>
  (await t.deps.db.select().from(outboundMessages).where(eq(outboundMessages.kind, kind))).filter((r) => (r.body as { to: string }).to === (calls[0]?.body.to ?? ''));

/** Move the test clock for one block, then back (the other tests keep their day). */
async function meanwhile<T>(ms: number, run: () => Promise<T>): Promise<T> {
  clock.at = new Date(clock.at.getTime() + ms);
  try {
    return await run();
  } finally {
    clock.at = new Date(clock.at.getTime() - ms);
  }
}

describe('LINE linking edges', () => {
  it('a link code stops working when it expires', async () => {
    const personId = await registerPatient(t);
    const code = await issueCode(t.deps, personId);
    const res = await meanwhile(LINK_CODE_TTL_MS + 60_000, () => say(t, textEvent(newUserId(), code)));
    expect(textsOf(res)).toContain('有効期限が切れています');
    expect(await channelOf(personId)).toBeUndefined();
  });

  it('a new code cancels the older ones of the same person', async () => {
    const personId = await registerPatient(t);
    const older = await issueCode(t.deps, personId);
    const newer = await issueCode(t.deps, personId);
    const user = newUserId();
    expect(textsOf(await say(t, textEvent(user, older)))).toContain('正しくないか');
    expect(textsOf(await say(t, textEvent(user, newer)))).toContain('連携が完了しました');
  });

  it('a locked-out LINE user does not lock out anyone else', async () => {
    const personId = await registerPatient(t);
    const code = await issueCode(t.deps, personId);
    const guesser = newUserId();
    const wrong = code.startsWith('000000') ? '111111111111' : '000000000000';
    for (let i = 0; i < 5; i++) await say(t, textEvent(guesser, wrong));
    expect(textsOf(await say(t, textEvent(guesser, code)))).toContain('しばらく受け付けられません');
    const patient = newUserId();
    expect(textsOf(await say(t, textEvent(patient, code)))).toContain('連携が完了しました');
    expect((await channelOf(personId))?.address).toBe(patient);
  });
});

describe('LINE conversation edges', () => {
  it('re-follow during an open check welcomes back and shows the waiting question', async () => {
    const { personId, user } = await linkedPatient(t);
    await say(t, textEvent(user, '今すぐ報告'));
    await say(t, lineEvent(user, 'unfollow'));
    const back = await say(t, lineEvent(user, 'follow'));
    expect(textsOf(back)).toContain('おかえりなさい');
    expect(textsOf(back)).toContain('体温');
    expect((await channelOf(personId))?.state).toBe('verified');
  });

  it('images and locations get the polite note, with the waiting question during a check', async () => {
    const { user } = await linkedPatient(t);
    const image = { type: 'image', id: '11', contentProvider: { type: 'line' } };
    const location = { type: 'location', id: '12', title: '自宅', address: '東京都港区', latitude: 35.65, longitude: 139.74 };
    const outside = await say(t, lineEvent(user, 'message', { message: location }));
    expect(textsOf(outside)).toContain('ボタンか文字で答えてください');
    expect(textsOf(outside)).not.toContain('港区'); // nothing the patient sent is echoed
    await say(t, textEvent(user, '今すぐ報告'));
    for (const message of [image, location]) {
      const during = await say(t, lineEvent(user, 'message', { message }));
      expect(textsOf(during)).toContain('スタンプや画像、位置情報');
      expect(textsOf(during)).toContain('体温');
    }
  });

  it('unfollow by someone no longer monitored marks the channel unreachable but raises no alert', async () => {
    const { personId, user } = await linkedPatient(t);
    await endMonitoringOf(t.deps, personId);
    expect(await say(t, lineEvent(user, 'unfollow'))).toHaveLength(0);
    expect((await channelOf(personId))?.state).toBe('unreachable');
    expect(await channelLost(personId)).toHaveLength(0);
  });

  it('someone no longer monitored is told monitoring has ended and whom to contact, not offered 今すぐ報告', async () => {
    const { personId, user } = await linkedPatient(t);
    await endMonitoringOf(t.deps, personId);
    for (const press of [postbackEvent(user, 'a=report'), textEvent(user, '今すぐ報告'), textEvent(user, 'こんにちは'), lineEvent(user, 'follow')]) {
      const res = await say(t, press);
      expect(textsOf(res)).toContain('健康観察は終了しています');
      expect(textsOf(res)).toContain('03-1234-5678');
      expect(buttonsOf(res).map((b) => b.label)).toEqual(['保健所に連絡']);
    }
    expect(await t.deps.db.select().from(checkSessions).where(eq(checkSessions.personId, personId))).toHaveLength(0);
  });

  it("an earlier question's button pressed again in the same check is 'already answered', not a wrong answer", async () => {
    const { personId, user } = await linkedPatient(t);
    await say(t, textEvent(user, '今すぐ報告'));
    const second = await say(t, textEvent(user, '36.5')); // the temperature; the next question has buttons
    const old = buttonsOf(second)[0]!;
    const third = await say(t, postbackEvent(user, old.data));
    const current = new URLSearchParams(buttonsOf(third)[0]!.data).get('q')!;
    expect(current).not.toBe(new URLSearchParams(old.data).get('q'));
    const [session] = await t.deps.db.select().from(checkSessions).where(eq(checkSessions.personId, personId));
    const before = await t.deps.db.select().from(observations).where(eq(observations.sessionId, session!.id));
    for (let tap = 0; tap < 3; tap++) {
      const res = await say(t, postbackEvent(user, old.data)); // three taps would have skipped the current question
      expect(textsOf(res)).toContain('すでにお答えいただいています');
      expect(new URLSearchParams(buttonsOf(res)[0]!.data).get('q')).toBe(current);
    }
    expect(await t.deps.db.select().from(observations).where(eq(observations.sessionId, session!.id))).toHaveLength(before.length);
    await say(t, postbackEvent(user, buttonsOf(third)[0]!.data));
    const [answered] = await t.deps.db.select().from(observations).where(and(eq(observations.sessionId, session!.id), eq(observations.questionId, current)));
    expect(answered).toMatchObject({ status: 'answered' });
  });
});

describe('LINE sending edges', () => {
  it('falls back to a push when LINE refuses the reply token (expired), and records it went by push', async () => {
    const user = newUserId();
    t.line.failNext('reply', { status: 400, body: { message: 'Invalid reply token' } });
    const calls = await say(t, lineEvent(user, 'follow'));
    expect(calls.map((c) => c.endpoint)).toEqual(['reply', 'push']);
    expect(calls[1]!.retryKey).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await rowFor(calls.slice(1), 'greeting');
    expect(row).toMatchObject({ status: 'sent', attempts: 1, body: expect.objectContaining({ via: 'push' }) });
  });

  it('never retries a push LINE refuses with a 4xx: recorded as failed once', async () => {
    const user = newUserId();
    t.line.failNext('push', { status: 400, body: { message: 'The property, to, is invalid' } });
    const late = lineEvent(user, 'follow', { timestamp: clock.at.getTime() - 120_000 }); // its reply token is stale: a push
    const calls = await say(t, late); // and the job does not throw: nothing to retry
    expect(calls.map((c) => c.endpoint)).toEqual(['push']);
    const [row] = await rowFor(calls, 'greeting');
    expect(row).toMatchObject({ status: 'failed', errorCode: '400', attempts: 1, body: expect.objectContaining({ via: 'push' }) });
    expect(row!.errorMessage).toContain('to, is invalid');
  });
});
