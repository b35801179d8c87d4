import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '../../src/platform/tracing/start-tracing';
import { buttonsOf, linkedPatient, postbackEvent, postWebhook, setupLine, textEvent, textsOf, type LineTest } from '../bot/line/helpers';

/**
 * Issue 23: with tracing on, one trace runs from the LINE webhook through the queued job
 * (context carried in the job data) to the reply sent to LINE and the red alert raised.
 * An in-memory exporter stands in for the collector.
 */
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let t: LineTest;
beforeAll(async () => {
  tracing = startTracing({ exporter });
  t = await setupLine();
});
afterAll(async () => {
  await t.close();
  await tracing.shutdown();
});

/** Post one event through the app and let the real workers process it; the LINE calls it caused. */
async function turn(event: unknown) {
  const before = t.line.calls.length;
  const res = await postWebhook(t, [event]);
  expect(res.status).toBe(200);
  // Generous deadlines: on a loaded machine a job may wait seconds for a worker.
  const until = Date.now() + 30_000;
  while (Date.now() < until && t.line.calls.length === before) await new Promise((r) => setTimeout(r, 50));
  // The job's span ends just after its reply went out.
  while (Date.now() < until && !exporter.getFinishedSpans().some((s) => s.name.startsWith('job inbound'))) await new Promise((r) => setTimeout(r, 20));
  return t.line.calls.slice(before);
}

const traceOf = (spans: ReadableSpan[], traceId: string) => spans.filter((s) => s.spanContext().traceId === traceId);

describe('tracing', () => {
  it('joins webhook → job → LINE reply → red alert in one trace', async () => {
    const { user } = await linkedPatient(t);
    t.deps.jobs.startWorkers(t.deps, { scheduler: false });
    let last = await turn(textEvent(user, '今すぐ報告'));
    let redTurn: ReadableSpan[] = [];
    for (let step = 0; step < 30 && !textsOf(last).includes('ご回答ありがとうございました'); step++) {
      const buttons = buttonsOf(last);
      exporter.reset();
      if (buttons.length) {
        const q = new URLSearchParams(buttons[0]!.data).get('q');
        const button = buttons.find((b) => new URLSearchParams(b.data).get('v') === (q === 'breathless' ? 'true' : 'false')) ?? buttons[0]!;
        last = await turn(postbackEvent(user, button.data));
      } else last = await turn(textEvent(user, textsOf(last).includes('体温') ? '37.8' : 'なし'));
      if (exporter.getFinishedSpans().some((s) => s.name === 'alert.raise')) redTurn = exporter.getFinishedSpans();
    }
    expect(redTurn.length, 'a turn raised the red alert').toBeGreaterThan(0);

    const webhook = redTurn.find((s) => s.name === 'POST webhook_line' && s.kind === SpanKind.SERVER)!;
    expect(webhook).toBeDefined();
    const trace = traceOf(redTurn, webhook.spanContext().traceId);
    const names = trace.map((s) => s.name);
    expect(names).toContain('alert.raise');
    expect(names.some((n) => n.startsWith('job ') && n.includes('inbound'))).toBe(true);
    expect(names.some((n) => n === 'line.reply' || n === 'line.push')).toBe(true);
    const job = trace.find((s) => s.name.startsWith('job ') && s.name.includes('inbound'))!;
    expect(job.kind).toBe(SpanKind.CONSUMER);
    // No personal data in span names or attributes: no LINE user id, no path with a token.
    for (const s of trace) expect(JSON.stringify({ n: s.name, a: s.attributes })).not.toContain(user);
  }, 240_000);
});
