import { scrubLogFields, scrubQueryParams } from '../../platform/log-scrub';
import type { Logger } from '../../platform/logger';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
type Level = keyof typeof LEVELS;

/**
 * The Workers stand-in for pino (which expects Node streams): one JSON line per call on
 * the console, which Workers Logs collects, in pino's shape (`level`, `time`, `msg`, the
 * fields). Only what the intake and its middleware call is implemented. The same rule as
 * on Node holds: callers log ids, never personal data; the fields go through the Node
 * logger's own scrubber (redacted keys, a failed query's parameters), so an unreachable
 * database cannot spill an event's user id, text or phone number into Workers Logs.
 */
export function createConsoleLogger(level: Level, bindings: Record<string, unknown> = { service: 'mimamori', runtime: 'workers' }): Logger {
  const threshold = LEVELS[level];
  const emit = (name: Exclude<Level, 'silent'>) => (objOrMsg?: unknown, msg?: string) => {
    if (LEVELS[name] < threshold) return;
    const fields = typeof objOrMsg === 'object' && objOrMsg !== null ? scrubLogFields(errorSafe(objOrMsg as Record<string, unknown>)) : {};
    const text = typeof objOrMsg === 'string' ? objOrMsg : msg;
    const line = JSON.stringify({ level: LEVELS[name], time: new Date().toISOString(), ...bindings, ...fields, ...(text ? { msg: text } : {}) });
    if (LEVELS[name] >= LEVELS.error) console.error(line);
    else if (LEVELS[name] >= LEVELS.warn) console.warn(line);
    else console.log(line);
  };
  const logger = {
    level,
    trace: emit('trace'),
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    fatal: emit('fatal'),
    child: (more: Record<string, unknown>) => createConsoleLogger(level, { ...bindings, ...more }),
    isLevelEnabled: (name: Level) => LEVELS[name] >= threshold,
  };
  // Structurally the subset of pino's Logger the intake uses; the cast covers the rest.
  return logger as unknown as Logger;
}

/** An Error in the fields is logged by name and scrubbed message (JSON.stringify would give {}). */
function errorSafe(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = v instanceof Error ? { type: v.name, message: scrubQueryParams(v.message) } : v;
  return out;
}
