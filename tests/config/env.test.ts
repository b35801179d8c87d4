import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/config/env';

function problems(source: Record<string, string>) {
  try {
    parseEnv(source);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv', () => {
  it('gives working defaults for a newcomer: port 3000, embedded database, local Redis', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(env.LINE_API_BASE_URL).toBe('https://api.line.me');
    expect(env.HTTP_LISTEN_BACKLOG).toBe(4096);
  });

  it('treats an empty DATABASE_URL as unset (embedded PGlite)', () => {
    expect(parseEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT', /port number/],
    [{ PORT: '70000' }, 'PORT', /65535/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres:\/\//],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL', /redis:\/\//],
    [{ PUBLIC_BASE_URL: 'not a url' }, 'PUBLIC_BASE_URL', /URL/],
    [{ TWILIO_FROM_NUMBER: '0312345678', TWILIO_ACCOUNT_SID: 'AC' + 'a'.repeat(32), TWILIO_AUTH_TOKEN: 't' }, 'TWILIO_FROM_NUMBER', /E\.164/],
    [{ ADMIN_EMAIL: 'a@b.jp' }, 'ADMIN_PASSWORD', /go together/],
    [{ LINE_CHANNEL_SECRET: 's' }, 'LINE_CHANNEL_ACCESS_TOKEN', /go together/],
    [{ NODE_ENV: 'production' }, 'APP_SECRET', /required in production/],
    [{ SHUTDOWN_GRACE_MS: 'ten seconds' }, 'SHUTDOWN_GRACE_MS', /milliseconds/],
    [{ SHUTDOWN_GRACE_MS: '-1' }, 'SHUTDOWN_GRACE_MS', /milliseconds/],
    [{ HTTP_LISTEN_BACKLOG: '0' }, 'HTTP_LISTEN_BACKLOG', /at least 1/],
    [{ HTTP_LISTEN_BACKLOG: 'many' }, 'HTTP_LISTEN_BACKLOG', /whole number/],
  ])('names the bad variable and what is expected: %o', (source, variable, message) => {
    const found = problems(source as Record<string, string>).find((p) => p.variable === variable);
    expect(found, `a problem for ${variable}`).toBeDefined();
    expect(found!.message).toMatch(message);
  });

  it('lists every missing Twilio setting when only some are given', () => {
    const names = problems({ TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32) }).map((p) => p.variable);
    expect(names).toEqual(expect.arrayContaining(['TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER']));
  });

  it('puts every problem in one message, one variable a line', () => {
    try {
      parseEnv({ PORT: 'x', REDIS_URL: 'nope' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT: .*\n.*REDIS_URL: /);
    }
  });
});
