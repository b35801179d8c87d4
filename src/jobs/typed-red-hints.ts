import { createHash } from 'node:crypto';
import { typedAnswerLooksRed, type TypedRedHint } from '../flows';
import type { RedisClient } from '../platform/redis';

/**
 * Per LINE sender (its hashed key, never the user id), what a typed answer to the question it
 * was just asked looks like when it is red (flows/engine/red-typed.ts): the workers write it
 * when they reply and when a round's first question goes out, the intake reads it to put such
 * a text in the answers' urgent lane, as a tapped red button is. An accelerator only: a
 * missing, stale or lost hint costs speed, never an answer (each is judged again when
 * processed), so every Redis failure here is swallowed.
 */
export interface TypedRedHints {
  /** A sender's next hint, or null to forget it (the question asked now has no red typed answer). */
  remember(hints: ReadonlyMap<string, TypedRedHint | null>): Promise<void>;
  /** The hints of these senders (absent: none). */
  read(senderKeys: readonly string[]): Promise<Map<string, TypedRedHint>>;
  /**
   * Whether each typed text matches its sender's hint (one read for all; a failed read: none
   * does). Here, not in the intake's own code, so the Workers bundle carries no flow engine.
   */
  looksRed(texts: readonly { senderKey: string; text: string }[]): Promise<boolean[]>;
}

/**
 * The layout, for the national round (every recipient of a red-capable first question hinted
 * at once): a key per sender cost ~310 B of Redis memory with its JSON, so 1.5 M recipients
 * would have taken ~480 MB. Instead a sender is a field of one of BUCKETS hashes (~50 B each,
 * measured at 1.5 M by `npm run bench -- red-hints`), whose value names the hint by its content (a few distinct hints a flow,
 * each stored once and cached in the reading process). A hash field has no TTL of its own, so
 * the hashes are per generation of 12 hours: written in the current one, read in it and the
 * one before, and dropped (EXPIRE) a generation after they stop being written.
 */
const BUCKETS = 4096;
const GENERATION_MS = 12 * 60 * 60 * 1000;
/** The generations turn at 05:00 and 17:00 UTC (02:00 and 14:00 in Japan), away from a morning round's answers. */
const GENERATION_OFFSET_MS = 5 * 60 * 60 * 1000;
const BUCKET_TTL_SECONDS = (2 * GENERATION_MS) / 1000 + 3600;
const BODY_TTL_SECONDS = BUCKET_TTL_SECONDS;
/** Sender keys are SHA-256 hex: 24 of its digits (96 bits) name a sender well enough for a hint. */
const FIELD_CHARS = 24;
const CACHED_BODIES = 1000;
/** A body set within the hour is not set again (it outlives that by a day). */
const REFRESH_MS = 60 * 60 * 1000;

export function redisTypedRedHints(redis: RedisClient, prefix: string, now: () => number = Date.now): TypedRedHints {
  const tag = `${prefix}:{typed-red}`;
  const generation = () => Math.floor((now() - GENERATION_OFFSET_MS) / GENERATION_MS);
  const bucketKey = (gen: number, senderKey: string) => `${tag}:g${gen}:${bucketOf(senderKey)}`;
  const field = (senderKey: string) => senderKey.slice(0, FIELD_CHARS);
  const bodyKey = (id: string) => `${tag}:h:${id}`;
  // Hint id → its body, fetched once: a body never changes under its id (the id is its digest).
  const bodies = new Map<string, Promise<TypedRedHint | null>>();
  const readFields = batchedReads(redis);
  const writeFields = fieldWriter(redis);
  // The bodies this process set lately: an answer's hint is then one command, not two.
  const setLately = new Map<string, number>();
  const notSetLately = (key: string) => {
    const at = setLately.get(key);
    if (at !== undefined && now() - at < REFRESH_MS) return false;
    if (setLately.size > CACHED_BODIES) setLately.clear();
    setLately.set(key, now());
    return true;
  };

  /** Hint ids → hints: from this process's cache, the rest in one MGET (shared with the reads already under way). */
  async function resolve(ids: readonly string[]): Promise<Map<string, TypedRedHint>> {
    const missing = [...new Set(ids.filter((id) => !bodies.has(id)))];
    if (missing.length > 0) {
      if (bodies.size + missing.length > CACHED_BODIES) bodies.clear();
      const fetched = redis.mget(missing.map(bodyKey));
      missing.forEach((id, i) => {
        const body = fetched.then((values) => (values[i] ? parseHint(values[i]!) : null));
        // A failed read is forgotten, so the next one tries again.
        bodies.set(id, body.catch(() => (bodies.delete(id), null)));
      });
    }
    const found = new Map<string, TypedRedHint>();
    for (const id of new Set(ids)) {
      const hint = await bodies.get(id);
      if (hint) found.set(id, hint);
    }
    return found;
  }

  const hints: TypedRedHints = {
    async remember(given) {
      if (given.size === 0) return;
      const gen = generation();
      // One body a distinct hint (a round's batch shares a few among 500 senders).
      const idsOfJson = new Map<string, string>();
      const bodiesToSet: [string, string][] = [];
      const keys: string[] = [];
      const fieldsAndIds: string[] = [];
      for (const [senderKey, hint] of given) {
        keys.push(bucketKey(gen, senderKey), bucketKey(gen - 1, senderKey));
        const json = hint ? JSON.stringify(hint) : null;
        let id = json === null ? '' : idsOfJson.get(json);
        if (id === undefined) {
          id = hintId(json!);
          idsOfJson.set(json!, id);
          if (notSetLately(bodyKey(id))) bodiesToSet.push([bodyKey(id), json!]);
        }
        fieldsAndIds.push(field(senderKey), id);
      }
      const written = await Promise.all([
        ...bodiesToSet.map(([key, json]) => redis.set(key, json, 'EX', BODY_TTL_SECONDS)),
        writeFields(keys.length, ...keys, BUCKET_TTL_SECONDS, ...fieldsAndIds),
      ]).catch(() => null);
      // A failed write may have lost a body: set it again next time.
      if (!written) setLately.clear();
    },
    async read(senderKeys) {
      const found = new Map<string, TypedRedHint>();
      const keys = [...new Set(senderKeys)];
      if (keys.length === 0) return found;
      const gen = generation();
      // The current generation first, then the one before (a hint written before the turn of the generation).
      const reads = keys.map((k) => ({ current: bucketKey(gen, k), before: bucketKey(gen - 1, k), field: field(k) }));
      const idOf: (string | null)[] = await readFields(reads).catch(() => keys.map(() => null));
      const byId = await resolve(idOf.filter((id): id is string => id !== null)).catch(() => new Map<string, TypedRedHint>());
      keys.forEach((k, i) => {
        const hint = idOf[i] ? byId.get(idOf[i]!) : undefined;
        if (hint) found.set(k, hint);
      });
      return found;
    },
    async looksRed(texts) {
      if (texts.length === 0) return [];
      const found = await hints.read(texts.map((t) => t.senderKey)).catch(() => new Map<string, TypedRedHint>());
      return texts.map((t) => {
        const hint = found.get(t.senderKey);
        return hint !== undefined && typedAnswerLooksRed(hint, t.text);
      });
    },
  };
  return hints;
}

/** A sender's hash: by the four digits after its field (SHA-256 hex), or by a string hash of any other key. */
function bucketOf(senderKey: string): number {
  if (/^[0-9a-f]{28}/.test(senderKey)) return parseInt(senderKey.slice(FIELD_CHARS, FIELD_CHARS + 4), 16) % BUCKETS;
  let h = 0;
  for (let i = 0; i < senderKey.length; i++) h = (h * 31 + senderKey.charCodeAt(i)) >>> 0;
  return h % BUCKETS;
}

const hintId = (json: string) => createHash('sha256').update(json).digest('base64url').slice(0, 16);

function parseHint(json: string): TypedRedHint | null {
  try {
    const h = JSON.parse(json) as TypedRedHint;
    if (h?.kind === 'yes') return h;
    return h?.kind === 'number' && Array.isArray(h.ranges) && typeof h.options === 'object' ? h : null;
  } catch {
    return null;
  }
}

/**
 * Each sender's field in its bucket of the current generation, else of the one before: one
 * script call for all the senders of a turn (KEYS in pairs, a field each in ARGV). One command
 * instead of two HGETs a sender halves the Node CPU of a read (`npm run bench -- red-hints`).
 */
const READ_SCRIPT = `
local found = {}
for i = 1, #ARGV do
  local id = redis.call('HGET', KEYS[2 * i - 1], ARGV[i]) or redis.call('HGET', KEYS[2 * i], ARGV[i])
  found[i] = id
end
return found`;

/**
 * A write of many senders as one script call (KEYS in pairs: the bucket of the current
 * generation and of the one before; ARGV: the buckets' TTL, then a field and a hint id a
 * sender, '' to forget): 500 HSETs and EXPIREs as separate commands cost the dispatcher's
 * Node more than its multicast (`npm run bench -- red-hints`).
 */
const WRITE_SCRIPT = `
local ttl = tonumber(ARGV[1])
for i = 1, #KEYS / 2 do
  local field, id = ARGV[2 * i], ARGV[2 * i + 1]
  if id == '' then
    redis.call('HDEL', KEYS[2 * i - 1], field)
    redis.call('HDEL', KEYS[2 * i], field)
  else
    redis.call('HSET', KEYS[2 * i - 1], field, id)
    redis.call('EXPIRE', KEYS[2 * i - 1], ttl)
  end
end
return #KEYS / 2`;

type WithWriteCommand = RedisClient & { mimamoriTypedRedHintsWrite(...args: (string | number)[]): Promise<number> };

function fieldWriter(redis: RedisClient): WithWriteCommand['mimamoriTypedRedHintsWrite'] {
  const client = redis as WithWriteCommand;
  if (typeof client.mimamoriTypedRedHintsWrite !== 'function') redis.defineCommand('mimamoriTypedRedHintsWrite', { lua: WRITE_SCRIPT });
  return (...args) => client.mimamoriTypedRedHintsWrite(...args);
}

type FieldRead = { current: string; before: string; field: string };
type WithReadCommand = RedisClient & { mimamoriTypedRedHints(...args: (string | number)[]): Promise<(string | null)[]> };

/**
 * The reads of one turn of the event loop sent as one script call: an overloaded intake asks
 * for a shed text's hint per request, many requests a turn, and one round trip each cost the
 * refusal most of its CPU again (`bench/shed-cost.ts`). All the keys share the `{typed-red}`
 * hash tag, so on Redis Cluster the call goes to one node.
 */
function batchedReads(redis: RedisClient): (reads: FieldRead[]) => Promise<(string | null)[]> {
  const client = redis as WithReadCommand;
  if (typeof client.mimamoriTypedRedHints !== 'function') redis.defineCommand('mimamoriTypedRedHints', { lua: READ_SCRIPT });
  let waiting: { reads: FieldRead[]; resolve: (v: (string | null)[]) => void; reject: (e: unknown) => void }[] = [];
  const flush = async () => {
    const batch = waiting;
    waiting = [];
    const unique = new Map<string, FieldRead>();
    for (const b of batch) for (const r of b.reads) unique.set(`${r.current}\n${r.field}`, r);
    const reads = [...unique.values()];
    try {
      const values = await client.mimamoriTypedRedHints(reads.length * 2, ...reads.flatMap((r) => [r.current, r.before]), ...reads.map((r) => r.field));
      const byRead = new Map([...unique.keys()].map((k, i) => [k, values[i] ?? null]));
      for (const b of batch) b.resolve(b.reads.map((r) => byRead.get(`${r.current}\n${r.field}`) ?? null));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  };
  return (reads) =>
    new Promise((resolve, reject) => {
      if (waiting.length === 0) setImmediate(() => void flush());
      waiting.push({ reads, resolve, reject });
    });
}
