import { afterEach, describe, expect, it, vi } from 'vitest';
import { createConsoleLogger } from '../../src/bot/intake/console-logger';

/** The Workers logger: pino-shaped JSON lines on the console, filtered by level. */
describe('createConsoleLogger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one JSON line per call in pino shape, below the level nothing', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const logger = createConsoleLogger('info');
    logger.debug({ requestId: 'r0' }, 'hidden');
    logger.info({ requestId: 'r1', status: 200 }, 'request');
    logger.warn('plain message');
    expect(log).toHaveBeenCalledTimes(1);
    const line = JSON.parse(log.mock.calls[0]![0] as string);
    expect(line).toMatchObject({ level: 30, service: 'mimamori', runtime: 'workers', requestId: 'r1', status: 200, msg: 'request' });
    expect(new Date(line.time).getTime()).not.toBeNaN();
    expect(JSON.parse(warn.mock.calls[0]![0] as string)).toMatchObject({ level: 40, msg: 'plain message' });
  });

  it('logs errors by name and message, children carry their bindings, silent says nothing', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const logger = createConsoleLogger('warn').child({ component: 'intake' });
    logger.error({ err: new TypeError('boom') }, 'failed');
    expect(JSON.parse(error.mock.calls[0]![0] as string)).toMatchObject({ level: 50, component: 'intake', err: { type: 'TypeError', message: 'boom' }, msg: 'failed' });
    createConsoleLogger('silent').fatal('never');
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('scrubs like the Node logger: a failed query keeps its SQL but loses its parameters, personal keys are redacted', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const message = 'Failed query: insert into "inbound_events" ("provider", "payload") values ($1, $2)\nparams: line,{"source":{"userId":"U0123abcd"},"message":{"text":"熱が３８度あります"}},+819012345678';
    const stack = `DrizzleQueryError: ${message}\n    at PostgresJsPreparedQuery.queryWithCache (session.js:41:15)`;
    const logger = createConsoleLogger('info');
    logger.error({ requestId: 'r1', err: { message, stack } }, 'unhandled error');
    logger.error({ err: new Error(message) }, 'as an Error');
    logger.error({ userId: 'U0123abcd', person: { phone: '+819012345678', id: 'p1' } }, 'a mistake');
    const text = error.mock.calls.map((c) => c[0] as string).join('\n');
    for (const personal of ['U0123abcd', '３８度', '9012345678']) expect(text).not.toContain(personal);
    const first = JSON.parse(error.mock.calls[0]![0] as string);
    expect(first.err.message).toBe('Failed query: insert into "inbound_events" ("provider", "payload") values ($1, $2)\nparams: [redacted]');
    expect(first.err.stack).toContain('at PostgresJsPreparedQuery.queryWithCache');
    expect(JSON.parse(error.mock.calls[2]![0] as string)).toMatchObject({ userId: '[redacted]', person: { phone: '[redacted]', id: 'p1' } });
  });
});
