import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alerts, checkSessions, flowAssignments, flows, flowVersions, householdMembers, households, lineMulticasts, monitoringPauses, observations, outboundMessages, personChannels, persons } from '../../../db/schema';
import { TransientSendError } from '../../../src/bot/dispatch';
import { DISPATCHERS } from '../../../src/bot/dispatchers';
import { lineDispatcher } from '../../../src/bot/line/dispatcher';
import { runDispatch } from '../../../src/jobs/dispatch';
import { markSentMulticasts } from '../../../src/jobs/multicast-marks';
import { urgentRows } from '../../../src/bot/intake/urgent-lane';
import { senderKeyOf } from '../../../src/bot/line/intake';
import { latestPublishedVersionId } from '../../../src/domain/flows/flow-versions';
import { clock, issueCode, newUserId, postbackEvent, registerPatient, say, setupLine, textEvent, textsOf, type LineTest } from './helpers';

let t: LineTest;
beforeAll(async () => {
  t = await setupLine();
});
afterAll(async () => t.close());
beforeEach(() => t.line.reset());

const DATE = '2026-03-10';

/** The multicast rows (one per multicast, not per person) that named this session. */
const multicastsOf = (sessionId: string) => t.deps.db.select().from(lineMulticasts).where(sql`${lineMulticasts.sessionIds} @> array[${sessionId}::uuid]`);

/** A linked patient (or not) with a pending 09:00 session for today, as the round tick creates it. */
async function patientWithSession(opts: { linked: boolean; round?: string; flowVersionId?: string; person?: Record<string, unknown> }) {
  const personId = await registerPatient(t, opts.person);
  const user = newUserId();
  if (opts.linked) await say(t, textEvent(user, await issueCode(t.deps, personId)));
  const [a] = await t.deps.db.select().from(flowAssignments).where(eq(flowAssignments.personId, personId));
  const versionId = opts.flowVersionId ?? (await latestPublishedVersionId(t.deps.db, a!.flowId));
  const [s] = await t.deps.db
    .insert(checkSessions)
    .values({ personId, flowVersionId: versionId!, localDate: DATE, round: opts.round ?? '09:00', channel: 'line', dueAt: clock.at, expiresAt: new Date(clock.at.getTime() + 8 * 3600_000) })
    .returning();
  return { personId, user, sessionId: s!.id };
}

describe('LINE dispatcher', () => {
  it('is registered for the line channel with multicast-sized batches', () => {
    expect(DISPATCHERS.line).toBe(lineDispatcher);
    expect(lineDispatcher.batchSize).toBe(500);
  });

  it('multicasts the first question once per batch, takes answers before and after the tick marks the sessions prompted, and a retried job sends nothing twice', async () => {
    const a = await patientWithSession({ linked: true });
    const b = await patientWithSession({ linked: true });
    t.line.reset();
    // Through the dispatch job's own path: re-check, send, then mark prompted and start the reminder clock.
    expect(await runDispatch(t.deps, 'line', [a.sessionId, b.sessionId], 'prompt')).toEqual({ sent: 2 });
    const [call, ...more] = t.line.calls;
    expect(more).toHaveLength(0);
    expect(call).toMatchObject({ endpoint: 'multicast', authorization: 'Bearer test-token' });
    expect(call!.body.to.sort()).toEqual([a.user, b.user].sort());
    expect(call!.retryKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(textsOf([call!])).toContain('体温');
    // Sent, but marked prompted only by the tick a minute or more later (multicast-marks.ts).
    const sessions = () => t.deps.db.select().from(checkSessions).where(inArray(checkSessions.id, [a.sessionId, b.sessionId]));
    expect((await sessions()).map((s) => s.status)).toEqual(['pending', 'pending']);
    // One record for the multicast, naming both (person and session at the same place), none per person.
    expect(await t.deps.db.select().from(outboundMessages).where(inArray(outboundMessages.sessionId, [a.sessionId, b.sessionId]))).toEqual([]);
    const [row, ...others] = await multicastsOf(a.sessionId);
    expect(others).toHaveLength(0);
    expect(row).toMatchObject({ kind: 'prompt', status: 'sent', attempts: 1 });
    expect(row!.providerMessageId).toBeTruthy();
    const pairs = row!.personIds.map((p, i) => [p, row!.sessionIds[i]]).sort();
    expect(pairs).toEqual([[a.personId, a.sessionId], [b.personId, b.sessionId]].sort());

    await lineDispatcher.sendPrompts(t.deps, [a.sessionId, b.sessionId], 'prompt');
    expect(t.line.calls).toHaveLength(1);

    // The answer comes back by text (free text goes to the open session) …
    const answered = await say(t, textEvent(a.user, '36.9'));
    expect(textsOf(answered)).not.toContain('締め切られました');
    // … or from a multicast button naming the round and date: the person's own session is found.
    await say(t, postbackEvent(b.user, `r=09%3A00&d=${DATE}&q=temperature&v=37.1`));
    const obs = await t.deps.db.select().from(observations).where(inArray(observations.sessionId, [a.sessionId, b.sessionId]));
    expect(obs.map((o) => [o.sessionId, o.questionId, o.valueNumber]).sort()).toEqual(
      [[a.sessionId, 'temperature', 36.9], [b.sessionId, 'temperature', 37.1]].sort(),
    );
    // The tick marks them after the answers began: still answering ('active'), the reminder clock from the send.
    const sentAt = row!.sentAt!.getTime();
    expect(await markSentMulticasts(t.deps, new Date(sentAt + 61_000))).toBe(2);
    for (const s of await sessions()) {
      expect(s.status).toBe('active');
      expect(s.promptedAt!.getTime()).toBe(sentAt);
      expect(s.nextActionAt!.getTime()).toBe(sentAt + t.deps.env.REMINDER_AFTER_MINUTES * 60_000);
    }
    // Someone else's session id in a button (forged or forwarded) records nothing and reveals nothing.
    expect(textsOf(await say(t, postbackEvent(b.user, `s=${a.sessionId}&q=cough&v=yes`)))).toContain('締め切られました');
    expect(await t.deps.db.select().from(observations).where(eq(observations.sessionId, a.sessionId))).toHaveLength(1);
    // A round button for a date with no session of this person is closed.
    expect(textsOf(await say(t, postbackEvent(b.user, `r=09%3A00&d=2026-03-09&q=temperature&v=37.1`)))).toContain('締め切られました');
  });

  it('records a person without a linked LINE account as failed and raises channel_lost', async () => {
    const c = await patientWithSession({ linked: false });
    await lineDispatcher.sendPrompts(t.deps, [c.sessionId], 'prompt');
    expect(t.line.calls).toHaveLength(0);
    const [row] = await t.deps.db.select().from(outboundMessages).where(eq(outboundMessages.sessionId, c.sessionId));
    expect(row).toMatchObject({ status: 'failed', errorCode: 'not_linked' });
    const [alert] = await t.deps.db.select().from(alerts).where(and(eq(alerts.personId, c.personId), eq(alerts.reason, 'channel_lost')));
    expect(alert).toMatchObject({ severity: 'amber' });
  });

  it('retries a 429 with the same retry key; a 5xx outage throws TransientSendError and the job retry reuses the key', async () => {
    const d = await patientWithSession({ linked: true });
    t.line.reset();
    t.line.failNext('multicast', { status: 429, headers: { 'retry-after': '0' } });
    await lineDispatcher.sendPrompts(t.deps, [d.sessionId], 'prompt');
    const calls = t.line.of('multicast');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.retryKey).toBe(calls[1]!.retryKey);

    const e = await patientWithSession({ linked: true });
    t.line.reset();
    for (let i = 0; i < 3; i++) t.line.failNext('multicast', { status: 503 });
    await expect(lineDispatcher.sendPrompts(t.deps, [e.sessionId], 'prompt')).rejects.toBeInstanceOf(TransientSendError);
    const [queued] = await multicastsOf(e.sessionId);
    expect(queued).toMatchObject({ status: 'queued', errorCode: '503', attempts: 1 });
    // LINE took the last try after all (its answer was lost): the retry gets 409 and counts as sent.
    t.line.markAccepted(t.line.calls[0]!.retryKey!);
    await lineDispatcher.sendPrompts(t.deps, [e.sessionId], 'prompt');
    expect(new Set(t.line.calls.map((c) => c.retryKey)).size).toBe(1);
    const [sent, ...again] = await multicastsOf(e.sessionId);
    expect(again).toHaveLength(0);
    expect(sent).toMatchObject({ status: 'sent', errorCode: 'duplicate_retry_key', attempts: 2 });
  });

  it('re-checks the batch in the statement that loads it: who left monitoring, is paused or whose round is over gets nothing and is closed; a begun check is skipped', async () => {
    const stays = await patientWithSession({ linked: true });
    const [left, paused, over, begun] = await Promise.all([1, 2, 3, 4].map(() => patientWithSession({ linked: true })));
    // A dependent answered for by `stays`: her own status decides, not her reporter's (the addressee the statement joins).
    const dependent = await patientWithSession({ linked: false });
    const [centre] = await t.deps.db.select({ id: persons.responsibleCentreId }).from(persons).where(eq(persons.id, stays.personId));
    const [h] = await t.deps.db.insert(households).values({ responsibleCentreId: centre!.id, reporterPersonId: stays.personId }).returning();
    await t.deps.db.insert(householdMembers).values([
      { personId: stays.personId, householdId: h!.id, position: 0 },
      { personId: dependent.personId, householdId: h!.id, position: 1 },
    ]);
    await t.deps.db.update(persons).set({ status: 'hospitalized' }).where(inArray(persons.id, [left!.personId, dependent.personId]));
    await t.deps.db.insert(monitoringPauses).values({ personId: paused!.personId, reason: 'travel', startedAt: clock.at, resumeOn: '2026-03-12' });
    await t.deps.db.update(checkSessions).set({ expiresAt: new Date(clock.at.getTime() - 1) }).where(eq(checkSessions.id, over!.sessionId));
    await t.deps.db.update(checkSessions).set({ status: 'active' }).where(eq(checkSessions.id, begun!.sessionId));
    t.line.reset();
    const all = [stays, left!, paused!, over!, begun!, dependent];
    expect(await runDispatch(t.deps, 'line', all.map((p) => p.sessionId), 'prompt')).toEqual({ sent: 1 });
    expect(t.line.calls.map((c) => [c.endpoint, c.body.to])).toEqual([['multicast', [stays.user]]]);
    const rows = await t.deps.db.select({ id: checkSessions.id, status: checkSessions.status }).from(checkSessions).where(inArray(checkSessions.id, all.map((p) => p.sessionId)));
    const status = new Map(rows.map((r) => [r.id, r.status]));
    expect(all.map((p) => status.get(p.sessionId))).toEqual(['pending', 'cancelled', 'cancelled', 'missed', 'active', 'cancelled']);
  });

  it('never retries a 400: the multicast is recorded as failed', async () => {
    const f = await patientWithSession({ linked: true });
    t.line.reset();
    t.line.failNext('multicast', { status: 400, body: { message: 'The request body has 1 error(s)' } });
    await lineDispatcher.sendPrompts(t.deps, [f.sessionId], 'prompt');
    expect(t.line.of('multicast')).toHaveLength(1);
    const [row] = await multicastsOf(f.sessionId);
    expect(row).toMatchObject({ status: 'failed', errorCode: '400' });
  });

  it('reminds by push with the waiting question, one retry key per session and reminder', async () => {
    const g = await patientWithSession({ linked: true });
    await lineDispatcher.sendPrompts(t.deps, [g.sessionId], 'prompt');
    await say(t, textEvent(g.user, '36.4')); // now waiting on a yes/no question with buttons
    t.line.reset();
    await lineDispatcher.sendPrompts(t.deps, [g.sessionId], 'reminder');
    const [push] = t.line.of('push');
    expect(push!.body.to).toBe(g.user);
    expect(push!.body.messages[0].text).toContain('ご回答がまだ');
    const last = push!.body.messages.at(-1);
    expect(last.quickReply.items[0].action.data).toMatch(new RegExp(`^s=${g.sessionId}&q=`));
    await lineDispatcher.sendPrompts(t.deps, [g.sessionId], 'reminder'); // the same reminder again (job retry)
    expect(t.line.of('push')).toHaveLength(1);
    await t.deps.db.update(checkSessions).set({ remindersSent: 1 }).where(eq(checkSessions.id, g.sessionId));
    await lineDispatcher.sendPrompts(t.deps, [g.sessionId], 'reminder'); // the second reminder
    const pushes = t.line.of('push');
    expect(pushes).toHaveLength(2);
    expect(pushes[0]!.retryKey).not.toBe(pushes[1]!.retryKey);
  });

  it('a reminder LINE refuses with 400 is not retried: failed, the channel unreachable, a channel_lost alert', async () => {
    const h = await patientWithSession({ linked: true });
    await lineDispatcher.sendPrompts(t.deps, [h.sessionId], 'prompt');
    await t.deps.db.update(checkSessions).set({ status: 'prompted' }).where(eq(checkSessions.id, h.sessionId)); // as the tick marks it
    t.line.reset();
    t.line.failNext('push', { status: 400, body: { message: 'The user is not a friend' } });
    await lineDispatcher.sendPrompts(t.deps, [h.sessionId], 'reminder'); // no TransientSendError: nothing to retry
    expect(t.line.of('push')).toHaveLength(1);
    const [row] = await t.deps.db.select().from(outboundMessages).where(and(eq(outboundMessages.sessionId, h.sessionId), eq(outboundMessages.kind, 'reminder')));
    expect(row).toMatchObject({ status: 'failed' });
    const [channel] = await t.deps.db.select().from(personChannels).where(and(eq(personChannels.personId, h.personId), eq(personChannels.kind, 'line')));
    expect(channel!.state).toBe('unreachable');
    const [alert] = await t.deps.db.select().from(alerts).where(and(eq(alerts.personId, h.personId), eq(alerts.reason, 'channel_lost')));
    expect(alert).toMatchObject({ severity: 'amber' });
    expect(JSON.stringify(alert!.details)).toContain('send_failed');
  });

  it('a flow that branches on the person before its first question sends each group its own opening', async () => {
    // The default patient flow, opened by a branch: people with an oximeter are asked SpO2 first.
    const [base] = await t.deps.db.select().from(flowVersions).innerJoin(flows, eq(flows.id, flowVersions.flowId)).where(eq(flows.key, 'patient-daily'));
    const definition = structuredClone(base!.flow_versions.definition) as { key: string; start: string; nodes: Record<string, unknown> };
    definition.key = 'oximeter-first';
    definition.nodes.opening = { type: 'branch', cases: [{ when: { subject: 'hasOximeter', op: 'eq', value: true }, next: 'spo2' }], default: definition.start };
    definition.start = 'opening';
    const [flow] = await t.deps.db.insert(flows).values({ key: 'oximeter-first', nameJa: 'SpO2から', nameEn: 'SpO2 first' }).returning();
    const [version] = await t.deps.db.insert(flowVersions).values({ flowId: flow!.id, version: 1, status: 'published', definition, specVersion: base!.flow_versions.specVersion }).returning();
    const withOximeter = await patientWithSession({ linked: true, flowVersionId: version!.id, person: { hasOximeter: true } });
    const without = await patientWithSession({ linked: true, flowVersionId: version!.id, person: { hasOximeter: false } });
    t.line.reset();
    expect(await runDispatch(t.deps, 'line', [withOximeter.sessionId, without.sessionId], 'prompt')).toEqual({ sent: 2 });
    const calls = t.line.calls.filter((c) => c.endpoint === 'multicast');
    expect(calls).toHaveLength(2);
    const to = (user: string) => calls.find((c) => c.body.to.includes(user))!;
    expect(to(withOximeter.user).body.to).toEqual([withOximeter.user]);
    expect(textsOf([to(withOximeter.user)])).toContain('SpO2');
    expect(textsOf([to(without.user)])).toContain('体温');
    expect(new Set(calls.map((c) => c.retryKey)).size).toBe(2);
  });

  it('a typed red answer to the round\'s first question is hurried as a later one is: the multicast leaves each recipient\'s hint', async () => {
    // 38.5 ℃ is amber for most and red for a person of 65 or more (the flow's escalation); both are in one multicast.
    const elderly = await patientWithSession({ linked: true, person: { dateOfBirth: '1950-04-01' } });
    const younger = await patientWithSession({ linked: true, person: { dateOfBirth: '1990-04-01' } });
    t.line.reset();
    expect(await runDispatch(t.deps, 'line', [elderly.sessionId, younger.sessionId], 'prompt')).toEqual({ sent: 2 });
    expect(t.line.calls.filter((c) => c.endpoint === 'multicast')).toHaveLength(1);
    const typed = async (user: string, text: string) => ({ provider: 'line' as const, senderKey: await senderKeyOf(user), payload: textEvent(user, text) });
    const rows = await Promise.all([typed(elderly.user, '３８．５'), typed(elderly.user, '36.8'), typed(younger.user, '38.5')]);
    expect(await urgentRows(t.deps.jobs, rows)).toEqual([true, false, false]);
    // As the intake's write would hurry it, the answer is judged for real: a red alert.
    await say(t, textEvent(elderly.user, '38.5'));
    const [alert] = await t.deps.db.select().from(alerts).where(eq(alerts.personId, elderly.personId));
    expect(alert).toMatchObject({ severity: 'red' });
  });
});
