import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Sql } from 'postgres';

/**
 * PostgreSQL spans for postgres.js, which has no OpenTelemetry instrumentation library
 * (@opentelemetry/instrumentation-pg wraps only `pg`): every query drizzle sends goes
 * through `unsafe`, inside transactions too (`begin` and `savepoint` hand the callback a
 * scoped client, wrapped the same way). A span runs from when the query is awaited to its
 * result; it carries the operation and the statement text (placeholders, never the bound
 * values). Without a registered tracer provider the spans are the API's no-ops.
 *
 * It also makes drizzle's statements prepared (named, per connection). drizzle passes
 * `prepare: false` to `unsafe` unless a query is given a name; postgres.js then sends an
 * unnamed statement with parameters as two round trips (Parse + Describe, wait for the
 * parameter types, then Bind + Execute), and PostgreSQL parses and plans it every time. A
 * prepared statement is parsed once per connection and then costs one round trip (Bind +
 * Execute), its plan cached. Only statements with parameters and at most
 * PREPARED_MAX_PARAMETERS of them: the texts then come from code (every `sql.raw` in this
 * code base is a constant) and `in (…)` lists of a bounded length, so the per-connection
 * cache stays bounded (and is dropped with the connection at postgres.js's max_lifetime).
 */
export function tracedSql<T extends Sql>(sql: T): T {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') return (text: string, args?: unknown[], options?: object) => traceQuery(target.unsafe(text, args as never, preparedWhenBounded(args, options) as never), text);
      if (prop === 'begin') return (options: unknown, fn?: unknown) => (fn === undefined ? target.begin(scoped(options) as never) : target.begin(options as string, scoped(fn) as never));
      if (prop === 'savepoint') return (name: unknown, fn?: unknown) => (fn === undefined ? (target as unknown as Scoped).savepoint(scoped(name)) : (target as unknown as Scoped).savepoint(name, scoped(fn)));
      return Reflect.get(target, prop, receiver);
    },
  });
}

/**
 * Statements with more parameters than this (long `in (…)` lists) stay unnamed; so do those
 * carrying a set of more than this many elements as one parameter (an array literal such as
 * `{id,id,…}::uuid[]`). A prepared statement's plan is made for its parameters only for its
 * first five runs; then PostgreSQL may switch to a generic plan, which cannot know a set's
 * size and assumes ten elements — the tick's next-due recompute over 25,000 persons ran as
 * nested loops for more than 30 minutes from its sixth chunk on. Unnamed, each run is
 * planned for the set it carries.
 */
export const PREPARED_MAX_PARAMETERS = 64;

function preparedWhenBounded(args: unknown[] | undefined, options: object | undefined): object | undefined {
  if (!args?.length || args.length > PREPARED_MAX_PARAMETERS || (options && 'simple' in options)) return options;
  if (args.some(isLargeSet)) return options;
  return { ...options, prepare: true };
}

/** A set parameter larger than PREPARED_MAX_PARAMETERS: an array, or an array literal (`{a,b,…}`, not a JSON object). */
function isLargeSet(arg: unknown): boolean {
  if (Array.isArray(arg)) return arg.length > PREPARED_MAX_PARAMETERS;
  if (typeof arg !== 'string' || arg.length < 2 * PREPARED_MAX_PARAMETERS || arg[0] !== '{' || arg.at(-1) !== '}' || arg.includes('":')) return false;
  let commas = 0;
  for (let i = 0; i < arg.length && commas < PREPARED_MAX_PARAMETERS; i++) if (arg.charCodeAt(i) === 44) commas++;
  return commas >= PREPARED_MAX_PARAMETERS;
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
