import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

/**
 * The app's own spans. Without a registered provider (tracing off) every call here is the
 * API's no-op: no allocation worth measuring, nothing added to job data.
 */
const tracer = () => trace.getTracer('mimamori');

/** Run `fn` inside a span named `name`; errors mark the span and propagate. */
export async function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The key job data carries the producer's trace context under (W3C traceparent). */
export const TRACE_KEY = '_trace';

/** Job data with the active trace context added, when there is one. */
export function withTraceContext<T>(data: T): T {
  if (!trace.getActiveSpan() || typeof data !== 'object' || data === null) return data;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length ? { ...data, [TRACE_KEY]: carrier } : data;
}

/** Run a job's handler in a consumer span that continues the producer's trace. */
export function runInJobSpan<T>(jobName: string, data: unknown, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  const carrier = (data as Record<string, unknown> | null)?.[TRACE_KEY];
  const parent = carrier && typeof carrier === 'object' ? propagation.extract(ROOT_CONTEXT, carrier as Record<string, string>) : ROOT_CONTEXT;
  return context.with(parent, () => inSpan(`job ${jobName}`, attributes, () => fn(), SpanKind.CONSUMER));
}
