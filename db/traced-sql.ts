import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Sql } from 'postgres';

/**
 * PostgreSQL spans for postgres.js, which has no OpenTelemetry instrumentation library
 * (@opentelemetry/instrumentation-pg wraps only `pg`): every query drizzle sends goes
 * through `unsafe`, inside transactions too (`begin` and `savepoint` hand the callback a
 * scoped client, wrapped the same way). A span runs from when the query is awaited to its
 * result; it carries the operation and the statement text (placeholders, never the bound
 * values). Without a registered tracer provider the spans are the API's no-ops.
 */
export function tracedSql<T extends Sql>(sql: T): T {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') return (text: string, args?: unknown[], options?: object) => traceQuery(target.unsafe(text, args as never, options as never), text);
      if (prop === 'begin') return (options: unknown, fn?: unknown) => (fn === undefined ? target.begin(scoped(options) as never) : target.begin(options as string, scoped(fn) as never));
      if (prop === 'savepoint') return (name: unknown, fn?: unknown) => (fn === undefined ? (target as unknown as Scoped).savepoint(scoped(name)) : (target as unknown as Scoped).savepoint(name, scoped(fn)));
      return Reflect.get(target, prop, receiver);
    },
  });
}

type Scoped = { savepoint(...args: unknown[]): Promise<unknown> };

const scoped = (fn: unknown) => (tx: Sql) => (fn as (tx: Sql) => unknown)(tracedSql(tx));


const tracer = () => trace.getTracer('mimamori-postgres');

/** postgres.js queries run when first awaited (then); the span covers exactly that. */
function traceQuery<Q extends PromiseLike<unknown>>(query: Q, text: string): Q {
  const then = query.then;
  let started = false;
  (query as { then: unknown }).then = function (this: Q, onFulfilled?: (v: unknown) => unknown, onRejected?: (e: unknown) => unknown) {
    if (started) return then.call(this, onFulfilled, onRejected);
    started = true;
    const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
    const span = tracer().startSpan(operation, {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.system': 'postgresql', 'db.operation.name': operation, 'db.query.text': text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text },
    });
    return then.call(
      this,
      (value) => {
        span.end();
        return onFulfilled ? onFulfilled(value) : value;
      },
      (err) => {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        if (onRejected) return onRejected(err);
        throw err;
      },
    );
  };
  return query;
}
