import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/command';
import { runRoundCommand } from '../../src/cli/run-round';
import { createTestDeps, type TestDeps } from '../support/deps';
import { redisText } from '../support/redis-text';
import { createCentre, createPerson } from '../support/fixtures';
import { createTwilioApiMock } from '../support/twilio-api-mock';
import { clock, issueCode, lineEvent, newUserId, registerPatient, say, setupLine, textEvent, textsOf, type LineTest } from '../bot/line/helpers';
import { runInboundJobs, sid, twilioApp, twilioPost, TWILIO_ENV } from '../bot/twilio/helpers';

const NAME = '秘密 花子';
const PHONE = '090-7777-2468';
const E164 = '+819077772468';

describe('no personal data in logs or job payloads: a LINE conversation and a round', () => {
  let t: LineTest;
  const user = newUserId();
  beforeAll(async () => {
    t = await setupLine();
  });
  afterAll(async () => t?.close());

  it('after linking, a check typed on LINE and the next round, neither the logs nor Redis hold the name, phone or LINE user id', async () => {
    const personId = await registerPatient(t, { name: NAME, phone: PHONE, address: '東京都港区芝公園4-2-8' });
    const code = await issueCode(t.deps, personId);
    await say(t, lineEvent(user, 'follow'));
    expect(textsOf(await say(t, textEvent(user, code)))).toContain('連携が完了しました');
    await say(t, textEvent(user, '今すぐ報告'));
    await say(t, textEvent(user, '37.9'));
    // The next morning's round puts dispatch jobs for this person into Redis.
    const out: string[] = [];
    clock.at = new Date('2026-03-11T00:00:00Z');
    expect(await runRoundCommand.run(parseArgs(['--at', '2026-03-11T09:00:00+09:00']), t.deps, (l) => out.push(l))).toBe(0);
    expect(out.join('\n')).toMatch(/sessions created: [1-9]/);

    const redis = await redisText(t.deps.redis, t.deps.jobs.prefix);
    expect(redis).toMatch(/sessionIds?|personId/); // the round's jobs are there, with ids only
    const logs = t.deps.logs.text;
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [NAME, PHONE, E164, user, '港区芝公園', code, 'test-secret', 'test-token']) {
      expect(redis).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});

describe('no personal data in logs or job payloads: an SMS exchange', () => {
  const twilioApi = createTwilioApiMock();
  let deps: TestDeps;
  let app: Awaited<ReturnType<typeof twilioApp>>;
  beforeAll(async () => {
    twilioApi.server.listen({ onUnhandledRequest: 'bypass' });
    deps = await createTestDeps(TWILIO_ENV, { now: () => new Date('2026-03-10T01:00:00Z') });
    app = await twilioApp(deps);
    await createCentre(deps.db, { code: '13-991', phone: '03-3333-4444' });
  });
  afterAll(async () => {
    twilioApi.server.close();
    await deps?.close();
  });

  it('an SMS conversation leaves neither the number nor the text in logs or Redis', async () => {
    await createPerson(deps.db, '13-991', { name: NAME, phone: PHONE, preferredChannel: 'sms' }, deps.now());
    for (const body of ['HELP', '38.2度', '咳がひどい']) {
      expect((await twilioPost(app, '/webhooks/twilio/sms', { MessageSid: sid('SM'), From: E164, To: TWILIO_ENV.TWILIO_FROM_NUMBER, Body: body })).status).toBe(200);
      await runInboundJobs(deps);
    }
    expect(twilioApi.messages.length).toBeGreaterThan(0); // we did answer
    const redis = await redisText(deps.redis, deps.jobs.prefix);
    const logs = deps.logs.text;
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [NAME, PHONE, E164, '9077772468', '咳がひどい', TWILIO_ENV.TWILIO_AUTH_TOKEN]) {
      expect(redis).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});
