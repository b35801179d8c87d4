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
});
