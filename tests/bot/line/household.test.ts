import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alerts, checkSessions, flowAssignments, flows, observations } from '../../../db/schema';
import { systemActor, withTransaction } from '../../../src/domain/context';
import { createHousehold } from '../../../src/domain/households/household-verbs';
import { lineDispatcher } from '../../../src/bot/line/dispatcher';
import { claimDueActions } from '../../../src/domain/rounds/claim-due-actions';
import { parseQuietHours } from '../../../src/domain/rounds/quiet-hours';
import { runDispatch } from '../../../src/jobs/dispatch';
import { buttonsOf, clock, linkedPatient, postbackEvent, registerPatient, say, setupLine, textEvent, type LineTest } from './helpers';

let t: LineTest;
beforeAll(async () => {
  t = await setupLine();
});
afterAll(async () => t.close());
beforeEach(() => t.line.reset());

type Calls = Awaited<ReturnType<typeof say>>;
const lastText = (calls: Calls): string => (calls.at(-1)?.body?.messages ?? []).at(-1)?.text ?? '';
const allText = (calls: Calls): string => calls.flatMap((c) => (c.body?.messages ?? []).map((m: { text: string }) => m.text)).join('\n');

/** Answer what each reply asks (buttons by `press`, typed temperature, 「なし」 otherwise) until `stop` sees the reply. */
async function answerUntil(user: string, from: Calls, press: (questionId: string) => string, temperature: string, stop: (text: string) => boolean): Promise<Calls> {
  let last = from;
  for (let step = 0; step < 40; step++) {
    if (step > 0 && stop(allText(last))) return last;
    const buttons = buttonsOf(last);
    if (buttons.length) {
      const q = new URLSearchParams(buttons[0]!.data).get('q')!;
      const want = press(q);
      const button = buttons.find((b) => new URLSearchParams(b.data).get('v') === want) ?? buttons[0]!;
      last = await say(t, postbackEvent(user, button.data));
    } else if (lastText(last).includes('体温')) last = await say(t, textEvent(user, temperature));
    else last = await say(t, textEvent(user, 'なし'));
  }
  throw new Error(`did not reach the expected reply: ${allText(last)}`);
}

describe('a household on LINE (proxy reporting)', () => {
  it('a mother answers for herself and her two children in one conversation; a red answer for a child raises the child’s alert, answered by the mother', async () => {
    const { personId: mother, user } = await linkedPatient(t, { name: '見守 花江' });
    // Registered with birth dates: under 15 → the children's flow, chosen by age.
    const hanako = await registerPatient(t, { name: '見守 花子', dateOfBirth: '2020-12-01', preferredChannel: 'line' });
    const ichiro = await registerPatient(t, { name: '見守 一郎', dateOfBirth: '2017-06-01', preferredChannel: 'line' });
    const assigned = await t.deps.db.select({ personId: flowAssignments.personId, key: flows.key }).from(flowAssignments).innerJoin(flows, eq(flows.id, flowAssignments.flowId)).where(inArray(flowAssignments.personId, [mother, hanako, ichiro]));
    expect(Object.fromEntries(assigned.map((a) => [a.personId, a.key]))).toEqual({ [mother]: 'patient-daily', [hanako]: 'child-daily', [ichiro]: 'child-daily' });

    await withTransaction(t.deps.db, { actor: systemActor('test'), now: clock.at }, (ctx) =>
      createHousehold({ ctx, input: { reporterPersonId: mother, reporterRelation: '母', householdNumber: 'H-001', members: [{ personId: hanako, relation: '子' }, { personId: ichiro, relation: '子' }] } }),
    );

    const started = await say(t, textEvent(user, '今すぐ報告'));
    expect(allText(started)).toContain('今日の健康観察です'); // her own check first
    const toHanako = await answerUntil(user, started, () => 'no', '36.6', (x) => x.includes('次は'));
    expect(allText(toHanako)).toContain('ご回答ありがとうございました');
    expect(allText(toHanako)).toContain('次は 花子さん（5歳）について伺います。');
    expect(allText(toHanako)).toContain('お子さんの今日の体温は何度ですか');

    const toIchiro = await answerUntil(user, toHanako, () => 'no', '37.2', (x) => x.includes('次は'));
    expect(allText(toIchiro)).toContain('次は 一郎さん（8歳）について伺います。');

    const end = await answerUntil(user, toIchiro, (q) => (q === 'convulsion' ? 'yes' : 'no'), '38.4', (x) => x.includes('ご回答ありがとうございました'));
    expect(allText(end)).not.toContain('次は');

    const sessions = await t.deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [mother, hanako, ichiro]));
    const byPerson = Object.fromEntries(sessions.map((s) => [s.personId, s]));
    expect(sessions).toHaveLength(3); // one session per person
    expect(sessions.every((s) => s.status === 'completed' && s.channel === 'line')).toBe(true);
    expect(byPerson[mother]!.answeredByPersonId).toBeNull();
    expect(byPerson[hanako]!.answeredByPersonId).toBe(mother);
    expect(byPerson[ichiro]!.answeredByPersonId).toBe(mother);

    const ichiroObs = await t.deps.db.select().from(observations).where(eq(observations.sessionId, byPerson[ichiro]!.id));
    expect(ichiroObs.length).toBeGreaterThan(5);
    expect(ichiroObs.every((o) => o.personId === ichiro && o.answeredByPersonId === mother)).toBe(true);
    expect(ichiroObs.find((o) => o.questionId === 'convulsion')!.value).toBe(true);
    expect(ichiroObs.find((o) => o.questionId === 'temperature')!.valueNumber).toBe(38.4);
    const hanakoTemp = await t.deps.db.select().from(observations).where(eq(observations.sessionId, byPerson[hanako]!.id));
    expect(hanakoTemp.find((o) => o.questionId === 'temperature')!.valueNumber).toBe(37.2);

    const raised = await t.deps.db.select().from(alerts).where(inArray(alerts.personId, [mother, hanako, ichiro]));
    expect(raised).toHaveLength(1);
    // One alert per session: the fever (amber, asked first) raised it, the convulsion made it red.
    expect(raised[0]).toMatchObject({ personId: ichiro, sessionId: byPerson[ichiro]!.id, severity: 'red' });
    expect(raised[0]!.details.reasons!.map((r) => r.ruleId).sort()).toEqual(['child_convulsion', 'child_fever']);
  }, 120_000); // some thirty webhook round trips

  it("a stranger's LINE cannot answer a household member's session", async () => {
    const { personId: mother, user: motherUser } = await linkedPatient(t, { name: '見守 花江' });
    const child = await registerPatient(t, { name: '見守 次郎', dateOfBirth: '2019-01-01' });
    await withTransaction(t.deps.db, { actor: systemActor('test'), now: clock.at }, (ctx) =>
      createHousehold({ ctx, input: { reporterPersonId: mother, members: [{ personId: child }] } }),
    );
    await say(t, textEvent(motherUser, '今すぐ報告'));
    const [childSession] = await t.deps.db.select().from(checkSessions).where(eq(checkSessions.personId, child));
    expect(childSession).toMatchObject({ status: 'pending', source: 'household' });
    const { user: stranger } = await linkedPatient(t);
    const res = await say(t, postbackEvent(stranger, `s=${childSession!.id}&q=breathing&v=yes`));
    expect(allText(res)).toContain('締め切られました');
    expect(await t.deps.db.select().from(observations).where(eq(observations.sessionId, childSession!.id))).toHaveLength(0);
  });

  it('the mother’s reminder names the children whose check is still open, and only those', async () => {
    const { personId: mother, user } = await linkedPatient(t, { name: '見守 花江' });
    const hanako = await registerPatient(t, { name: '見守 花子', dateOfBirth: '2020-12-01', preferredChannel: 'line' });
    const ichiro = await registerPatient(t, { name: '見守 一郎', dateOfBirth: '2017-06-01', preferredChannel: 'line' });
    await withTransaction(t.deps.db, { actor: systemActor('test'), now: clock.at }, (ctx) =>
      createHousehold({ ctx, input: { reporterPersonId: mother, reporterRelation: '母', members: [{ personId: hanako, relation: '子' }, { personId: ichiro, relation: '子' }] } }),
    );
    await say(t, textEvent(user, '今すぐ報告')); // her check, and a pending one for each child
    await say(t, textEvent(user, '36.5'));
    const open = await t.deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [mother, hanako, ichiro]));
    const own = open.find((s) => s.personId === mother)!;
    // 一郎's check was answered meanwhile (say, by the other parent at the centre's call).
    await t.deps.db.update(checkSessions).set({ status: 'completed', completedAt: clock.at }).where(eq(checkSessions.id, open.find((s) => s.personId === ichiro)!.id));
    t.line.reset();
    await lineDispatcher.sendPrompts(t.deps, [own.id], 'reminder');
    const [push] = t.line.of('push');
    const texts = push!.body.messages.map((m: { text: string }) => m.text).join('\n');
    expect(texts).toContain('ご回答がまだ');
    expect(texts).toContain('花子さんの健康観察がまだです。');
    expect(texts).not.toContain('一郎');
  });

  it('after the mother answered her own check and left, the reminder chain goes on with the children: a reminder to her LINE naming both, then the child’s non-responder step', async () => {
    const { personId: mother, user } = await linkedPatient(t, { name: '見守 花江' });
    const hanako = await registerPatient(t, { name: '見守 花子', dateOfBirth: '2020-12-01', preferredChannel: 'line' });
    const ichiro = await registerPatient(t, { name: '見守 一郎', dateOfBirth: '2017-06-01', preferredChannel: 'line' });
    await withTransaction(t.deps.db, { actor: systemActor('test'), now: clock.at }, (ctx) =>
      createHousehold({ ctx, input: { reporterPersonId: mother, reporterRelation: '母', members: [{ personId: hanako, relation: '子' }, { personId: ichiro, relation: '子' }] } }),
    );
    const started = await say(t, textEvent(user, '今すぐ報告'));
    await answerUntil(user, started, () => 'no', '36.6', (x) => x.includes('次は 花子さん')); // her own check done; she leaves at 花子's first question
    const sessions = await t.deps.db.select().from(checkSessions).where(inArray(checkSessions.personId, [mother, hanako, ichiro]));
    const of = (id: string) => sessions.find((s) => s.personId === id)!;
    expect(of(mother).status).toBe('completed');
    // 花子's session carries the chain now; 一郎's waits its turn.
    expect(of(hanako).nextActionAt).not.toBeNull();
    expect(of(ichiro).nextActionAt).toBeNull();

    const claim = () =>
      claimDueActions(t.deps.db, { now: clock.at, quiet: parseQuietHours('23:00-06:00'), leaseMs: 60_000, limit: 100, reminderAfterMs: t.deps.env.REMINDER_AFTER_MINUTES * 60_000, maxCalls: 3 });
    expect(await claim()).toEqual([]); // too early: the clock runs from her last answer
    clock.at = new Date(clock.at.getTime() + t.deps.env.REMINDER_AFTER_MINUTES * 60_000 + 1000);
    const due = await claim();
    expect(due.map((d) => [d.sessionId, d.action])).toEqual([[of(hanako).id, 'remind']]);

    t.line.reset();
    await runDispatch(t.deps, 'line', [of(hanako).id], 'reminder');
    const [push] = t.line.of('push');
    expect(push!.body.to).toBe(user); // the mother's LINE, not the child's (who has none)
    const texts = push!.body.messages.map((m: { text: string }) => m.text).join('\n');
    expect(texts).toContain('ご回答がまだ');
    expect(texts).toContain('花子さん、一郎さんの健康観察がまだです。');
    expect(await t.deps.db.select().from(alerts).where(inArray(alerts.personId, [mother, hanako, ichiro]))).toHaveLength(0);

    // No answer after the reminder, and no number to call: the chain ends in 花子's non-responder step.
    clock.at = new Date(clock.at.getTime() + t.deps.env.CALL_AFTER_REMINDER_MINUTES * 60_000 + 1000);
    expect((await claim()).map((d) => [d.sessionId, d.action])).toEqual([[of(hanako).id, 'alert']]);
  }, 60_000);
});
