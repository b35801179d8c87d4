import type { FlowContext } from '../types.js';

/**
 * A function of a context, computed once for all the contexts that agree on what it read.
 * The engine is pure: what `start` returns for a version depends only on the context fields
 * it reads, so a context that agrees with an earlier one on every field that earlier run read
 * would take the same path and get the same result. A round's 500 recipients usually share
 * one opening (a branch on an oximeter, a risk factor, splits them), and its first prompt is
 * then worked out a few times a batch instead of 500 (bot/line/dispatcher.ts).
 *
 * `fn` must be pure in the context (everything else it uses fixed for the memo's life) and
 * must not keep the context it is given: it is a recording view, read again when the result
 * is serialized. A nested object or array enumerated (spread, `Object.keys`) is read whole.
 */
export function memoOnReads<T>(fn: (ctx: FlowContext) => T): (ctx: FlowContext) => T {
  const readSets: { paths: ReadPath[]; results: Map<string, T> }[] = [];
  return (ctx) => {
    for (const set of readSets) {
      const hit = set.results.get(keyOf(ctx, set.paths));
      if (hit !== undefined) return hit;
    }
    const reads = new Map<string, ReadPath>();
    const result = fn(recording(ctx, [], reads));
    // A context object kept in the result is read now, while reads are still recorded.
    JSON.stringify(result);
    const paths = [...reads.values()];
    let set = readSets.find((s) => samePaths(s.paths, paths));
    if (!set) readSets.push((set = { paths, results: new Map() }));
    set.results.set(keyOf(ctx, paths), result);
    return result;
  };
}

/** A field read (`get`), tested (`has`), an object reached (`object`: only that it is one), or read whole (enumerated). */
interface ReadPath {
  id: string;
  path: readonly string[];
  how: 'get' | 'has' | 'object' | 'whole';
}

function recording<O extends object>(obj: O, path: readonly string[], reads: Map<string, ReadPath>): O {
  const note = (how: ReadPath['how'], at: readonly string[]) => {
    const id = `${how}:${at.join('\u0000')}`;
    if (!reads.has(id)) reads.set(id, { id, path: at, how });
  };
  return new Proxy(obj, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key !== 'string') return value;
      const at = [...path, key];
      // Nested plain objects (subject, healthCentre) are recorded field by field; anything else is a leaf.
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && Reflect.getOwnPropertyDescriptor(target, key)?.configurable !== false) {
        note('object', at);
        return recording(value, at, reads);
      }
      note('get', at);
      return value;
    },
    has(target, key) {
      if (typeof key === 'string') note('has', [...path, key]);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      note('whole', path);
      return Reflect.ownKeys(target);
    },
  });
}

function valueAt(ctx: FlowContext, path: readonly string[]): unknown {
  let v: unknown = ctx;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function keyOf(ctx: FlowContext, paths: readonly ReadPath[]): string {
  let key = '';
  for (const p of paths) {
    if (p.how === 'has') {
      const parent = valueAt(ctx, p.path.slice(0, -1));
      key += parent !== null && typeof parent === 'object' && p.path[p.path.length - 1]! in parent ? '1' : '0';
    } else if (p.how === 'object') {
      const v = valueAt(ctx, p.path);
      key += v !== null && typeof v === 'object' && !Array.isArray(v) ? 'o' : 'x';
    } else {
      const v = valueAt(ctx, p.path);
      // (JSON tells 1 from '1'; undefined has none)
      key += v === undefined ? '-' : JSON.stringify(v);
    }
    key += '\u0001';
  }
  return key;
}

const samePaths = (a: readonly ReadPath[], b: readonly ReadPath[]) => a.length === b.length && a.every((p, i) => p.id === b[i]!.id);
