import { sql } from 'drizzle-orm';
import { typedAnswerLooksRed } from '../../../src/flows';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../../db/client';
import { createInboxWriter, type InboxRow } from '../../../src/bot/intake/inbox-writer';
import { createTestDeps, type TestDeps } from '../../support/deps';

// Inbox first with group commit: what arrives while a write is under way is stored in the
// next write, each request answered when its own events are committed.
let deps: TestDeps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(async () => deps?.close());

let n = 0;
const row = (provider: InboxRow['provider'] = 'line', id = `ev-${++n}-${Date.now()}`): InboxRow => ({ provider, providerEventId: id, senderKey: 'k', payload: { id }, receivedAt: new Date() });

function recordingJobs() {
  const bulks: { name: string; jobIds: string[] }[] = [];
  return {
    bulks,
    trigger: async () => true,
    triggerBulk: async (target: { name: string }, items: { jobId?: string }[]) => {
      bulks.push({ name: target.name, jobIds: items.map((i) => i.jobId!) });
      return true;
    },
  };
}

describe('the inbox writer', () => {
  it('stores 200 concurrent requests in a few writes, answers each with its own events, enqueues each once', async () => {
    const jobs = recordingJobs();
    const inbox = createInboxWriter(deps.db, jobs as never);
    const insert = vi.spyOn(deps.db, 'insert');
    const requests = Array.from({ length: 200 }, (_, i) => [row(), ...(i % 10 === 0 ? [row('twilio_sms')] : [])]);
    const answers = await Promise.all(requests.map((rows) => inbox.store(rows)));
    expect(insert.mock.calls.length).toBeLessThanOrEqual(10); // group commit, not one INSERT a request
    insert.mockRestore();
    answers.forEach((a, i) => expect(a).toHaveLength(requests[i]!.length));
    expect(answers.flat().every((e) => !e.duplicate)).toBe(true);
    const ids = answers.flat().map((e) => e.id);
    const [stored] = await queryRows<{ n: number }>(deps.db, sql`select count(*)::int as n from inbound_events where id = any(${`{${ids.join(',')}}`}::uuid[])`);
    expect(stored!.n).toBe(220);
    // Announced right after each write's commit (the requests are answered at the commit).
    await vi.waitFor(() => expect(jobs.bulks.filter((b) => b.name === 'inbound.twilio_sms').flatMap((b) => b.jobIds)).toHaveLength(20));
    const lineJobs = jobs.bulks.filter((b) => b.name === 'inbound.line').flatMap((b) => b.jobIds);
    expect(new Set(lineJobs).size).toBe(200);
    expect(lineJobs).toHaveLength(200);
  });

  it('answers at the commit, not after the jobs are added: a Redis that hangs holds no request (and only its write\'s slot)', async () => {
    let release!: () => void;
    const hung = new Promise<boolean>((resolve) => (release = () => resolve(true)));
    const bulks: string[] = [];
    const jobs = { trigger: async () => true, triggerBulk: (target: { name: string }) => (bulks.push(target.name), hung) };
    const inbox = createInboxWriter(deps.db, jobs as never, { maxInFlight: 1 });
    const first = await inbox.store([row()]);
    expect(first).toHaveLength(1);
    await vi.waitFor(() => expect(bulks).toEqual(['inbound.line'])); // its announcement started, and waits
    // The write's slot is held until the announcement ends: the next write waits for it.
    let secondDone = false;
    const second = inbox.store([row()]).then((r) => ((secondDone = true), r));
    await new Promise((r) => setTimeout(r, 100));
    expect(secondDone).toBe(false);
    release();
    expect(await second).toHaveLength(1);
  });

  it('stores an event delivered twice once (in one write or later), and enqueues it again only while unprocessed', async () => {
    const jobs = recordingJobs();
    const counted: number[] = [];
    const inbox = createInboxWriter(deps.db, jobs as never, { onStored: (n) => counted.push(n) });
    const twice = row();
    const [a, b] = await Promise.all([inbox.store([twice]), inbox.store([{ ...twice }])]);
    expect(counted.reduce((x, y) => x + y, 0)).toBe(1); // the overload gate hears new events only
    expect(a![0]!.id).toBe(b![0]!.id);
    expect([a![0]!.duplicate, b![0]!.duplicate].sort()).toEqual([false, true]);
    const later = await inbox.store([{ ...twice }]);
    expect(later[0]).toEqual({ id: a![0]!.id, duplicate: true });
    await deps.db.execute(sql`update inbound_events set processed_at = now() where id = ${a![0]!.id}`);
    await new Promise((r) => setTimeout(r, 50)); // the earlier writes' announcements are over
    const before = jobs.bulks.length;
    await inbox.store([{ ...twice }]);
    await new Promise((r) => setTimeout(r, 50));
    expect(jobs.bulks.length).toBe(before); // done: nothing to enqueue
  });

  it('a tapped answer marked red (u=1) is enqueued in the urgent lane (a redelivery under the same job id); everything else in the ordinary one', async () => {
    const jobs = recordingJobs();
    const inbox = createInboxWriter(deps.db, jobs as never);
    const tap = (data: string) => ({ ...row(), payload: { type: 'postback', postback: { data } } });
    const sid = '00000000-0000-4000-8000-000000000001';
    const red = tap(`s=${sid}&q=breathless&v=yes&u=1`);
    const [stored] = await Promise.all([inbox.store([red]), inbox.store([tap(`s=${sid}&q=breathless&v=no`), row()]), inbox.store([{ ...red }])]);
    await vi.waitFor(() => expect(jobs.bulks.filter((b) => b.name === 'inbound.line').flatMap((b) => b.jobIds)).toHaveLength(2));
    const urgent = jobs.bulks.filter((b) => b.name === 'inbound.line.urgent').flatMap((b) => b.jobIds);
    expect([...new Set(urgent)]).toEqual([`inbound:${stored![0]!.id}`]);
    // Marked by its insert, so ordinary batches and the sweeper leave it to the urgent lane.
    const [mark] = await queryRows<{ urgent: boolean }>(deps.db, sql`select urgent from inbound_events where id = ${stored![0]!.id}::uuid`);
    expect(mark!.urgent).toBe(true);
  });

  it('a typed text goes to the urgent lane when its sender\'s hint says it is red (one read a write); a failing read leaves it in the ordinary one', async () => {
    const reads: string[][] = [];
    const hints = new Map([['spo2-sender', { kind: 'number' as const, options: { min: 1, max: 100, precision: 1 }, ranges: [[1, 93]] as [number, number][] }]]);
    const looksRed = async (texts: readonly { senderKey: string; text: string }[]) => {
      reads.push(texts.map((t) => t.senderKey));
      return texts.map((t) => hints.has(t.senderKey) && typedAnswerLooksRed(hints.get(t.senderKey)!, t.text));
    };
    const jobs = { ...recordingJobs(), typedRedHints: { remember: async () => {}, read: async () => new Map(), looksRed } };
    const inbox = createInboxWriter(deps.db, jobs as never, { maxInFlight: 1 });
    const text = (senderKey: string, t: string): InboxRow => ({ ...row(), senderKey, payload: { type: 'message', message: { type: 'text', text: t } } });
    const [[red], [fine], [other]] = await Promise.all([inbox.store([text('spo2-sender', '92')]), inbox.store([text('spo2-sender', '97')]), inbox.store([text('someone', '92')])]);
    await vi.waitFor(() => expect(jobs.bulks.flatMap((b) => b.jobIds)).toHaveLength(3));
    expect(jobs.bulks.filter((b) => b.name === 'inbound.line.urgent').flatMap((b) => b.jobIds)).toEqual([`inbound:${red!.id}`]);
    expect(jobs.bulks.filter((b) => b.name === 'inbound.line').flatMap((b) => b.jobIds).sort()).toEqual([`inbound:${fine!.id}`, `inbound:${other!.id}`].sort());
    expect(reads.length).toBeLessThanOrEqual(2); // per write, not per request
    // Marked in its row, so ordinary batches leave it to its job (taps carry their mark in the payload).
    await vi.waitFor(async () => {
      const marks = await queryRows<{ id: string; urgent: boolean }>(deps.db, sql`select id, urgent from inbound_events where id = any(${`{${[red!.id, fine!.id, other!.id].join(',')}}`}::uuid[])`);
      expect(Object.fromEntries(marks.map((m) => [m.id, m.urgent]))).toEqual({ [red!.id]: true, [fine!.id]: false, [other!.id]: false });
    });

    const failing = { ...recordingJobs(), typedRedHints: { remember: async () => {}, read: async () => new Map(), looksRed: async () => { throw new Error('redis down'); } } };
    const [stored] = await createInboxWriter(deps.db, failing as never).store([text('spo2-sender', '92')]);
    await vi.waitFor(() => expect(failing.bulks.flatMap((b) => b.jobIds)).toEqual([`inbound:${stored!.id}`]));
    expect(failing.bulks[0]!.name).toBe('inbound.line');
  });

  it('a database error answers every request of that write with the error and stores nothing of it', async () => {
    const jobs = recordingJobs();
    const inbox = createInboxWriter(deps.db, jobs as never);
    const broken = { ...row(), payload: undefined as unknown }; // payload is NOT NULL
    const results = await Promise.allSettled([inbox.store([row()]), inbox.store([broken]), inbox.store([row()])]);
    expect(results.some((r) => r.status === 'rejected')).toBe(true);
    // The next write is a fresh one: it works.
    const ok = await inbox.store([row()]);
    expect(ok[0]!.duplicate).toBe(false);
  });
});
