/**
 * A readable, path-by-path comparison of two flow definitions for the editor's
 * "changes since the published version" view, e.g.
 *   changed  nodes.temperature.text.ja   "今日の体温は？" → "今朝の体温は？"
 *   added    nodes.taste                 {…}
 *   changed  rules.0.gte                 38 → 37.5
 * Objects are walked key by key and arrays of objects index by index; an array of plain
 * values (choice aliases, risk factors) is one value, since its items have no identity.
 */
export interface DefinitionChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isArrayOfObjects = (v: Json): v is Json[] => Array.isArray(v) && v.length > 0 && v.every((x) => isObject(x) || Array.isArray(x));

export function diffDefinitions(before: Json, after: Json, path = ''): DefinitionChange[] {
  const at = (k: string | number) => (path ? `${path}.${k}` : String(k));
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => {
      if (!(k in after)) return [{ path: at(k), kind: 'removed' as const, before: before[k] }];
      if (!(k in before)) return [{ path: at(k), kind: 'added' as const, after: after[k] }];
      return diffDefinitions(before[k], after[k], at(k));
    });
  }
  if (isArrayOfObjects(before) && isArrayOfObjects(after)) {
    const out: DefinitionChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      if (i >= after.length) out.push({ path: at(i), kind: 'removed', before: before[i] });
      else if (i >= before.length) out.push({ path: at(i), kind: 'added', after: after[i] });
      else out.push(...diffDefinitions(before[i], after[i], at(i)));
    }
    return out;
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: path || '(root)', kind: 'changed', before, after }];
}

/** A short one-line rendering of a value for the diff table (long values are cut, never the path). */
export function shortValue(v: unknown, max = 120): string {
  if (v === undefined) return '';
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
