/**
 * What no log line may carry, shared by the Node logger (pino, src/platform/logger.ts) and
 * the Workers logger (src/bot/intake/console-logger.ts), so both runtimes scrub alike.
 * Callers log ids only; this is the safety net for mistakes and for errors that quote data.
 * No imports: it is bundled into the Cloudflare Worker.
 */

/** Field names whose values are personal data or secrets, at the top level or one level down. */
export const REDACTED_KEYS = ['name', 'nameKana', 'phone', 'address', 'email', 'text', 'userId', 'password', 'token', 'authorization'] as const;

/** The same rule in pino's path syntax, plus the request headers that hold credentials. */
export const REDACT_PATHS = [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`), 'req.headers.authorization', 'req.headers.cookie'];

export const CENSOR = '[redacted]';

const PARAMS = /\nparams: [\s\S]*?(?=\n {4}at |$)/g;

/**
 * Remove drizzle's "params: …" section from an error (a string, or an object's message and
 * stack): a failed query quotes its values — a patient's answer, phone number or LINE user
 * id. The SQL and the stack frames stay.
 */
export function scrubQueryParams(err: unknown): unknown {
  if (typeof err === 'string') return err.replace(PARAMS, `\nparams: ${CENSOR}`);
  if (err && typeof err === 'object') {
    const out: Record<string, unknown> = { ...(err as Record<string, unknown>) };
    for (const key of ['message', 'stack']) if (typeof out[key] === 'string') out[key] = (out[key] as string).replace(PARAMS, `\nparams: ${CENSOR}`);
    if ('params' in out) out.params = CENSOR;
    return out;
  }
  return err;
}

const redacted = new Set<string>(REDACTED_KEYS);

/** A log line's fields with pino's rules applied: REDACT_PATHS censored, `err` scrubbed. */
export function scrubLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (redacted.has(key)) out[key] = CENSOR;
    else {
      const v = key === 'err' ? scrubQueryParams(value) : value;
      out[key] = v && typeof v === 'object' && !Array.isArray(v) ? censorChildren(v as Record<string, unknown>) : v;
    }
  }
  if (fields.req && typeof fields.req === 'object') out.req = censorHeaders(out.req as Record<string, unknown>);
  return out;
}

function censorChildren(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) out[key] = redacted.has(key) ? CENSOR : value;
  return out;
}

function censorHeaders(req: Record<string, unknown>): Record<string, unknown> {
  const headers = req.headers as Record<string, unknown> | undefined;
  if (!headers || typeof headers !== 'object') return req;
  return { ...req, headers: { ...headers, ...('cookie' in headers ? { cookie: CENSOR } : {}), ...('authorization' in headers ? { authorization: CENSOR } : {}) } };
}
