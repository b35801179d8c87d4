import { migrateV1 } from './v1.js';
import { migrateV2 } from './v2.js';

/** The spec version this engine reads and writes. */
export const FLOW_SPEC_VERSION = 3;

type Migration = (def: Record<string, unknown>) => Record<string, unknown>;

/**
 * One registered function per spec version, each taking a definition of that version
 * to the next. Stored definitions are never edited by hand: they are read through here.
 */
export const MIGRATIONS: Record<number, Migration> = {
  1: migrateV1,
  2: migrateV2,
};

export type MigrateResult =
  | { ok: true; definition: Record<string, unknown>; from: number }
  | { ok: false; code: 'missing_spec' | 'spec_too_new' | 'no_migration'; message: string };

export function migrate(raw: unknown): MigrateResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: 'missing_spec', message: 'not an object' };
  }
  let def = raw as Record<string, unknown>;
  const from = def.spec;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    return { ok: false, code: 'missing_spec', message: 'spec must be a positive integer' };
  }
  if (from > FLOW_SPEC_VERSION) {
    return { ok: false, code: 'spec_too_new', message: `spec ${from} is newer than this engine (${FLOW_SPEC_VERSION})` };
  }
  for (let v = from; v < FLOW_SPEC_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) return { ok: false, code: 'no_migration', message: `no migration from spec ${v}` };
    def = step(def);
  }
  return { ok: true, definition: def, from };
}
