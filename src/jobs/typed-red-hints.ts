import { typedAnswerLooksRed, type TypedRedHint } from '../flows';
import type { RedisClient } from '../platform/redis';

/**
 * Per LINE sender (its hashed key, never the user id), what a typed answer to the question it
 * was just asked looks like when it is red (flows/engine/red-typed.ts): the workers write it
 * when they reply, the intake reads it to put such a text in the answers' urgent lane, as a
 * tapped red button is. An accelerator only: a missing, stale or lost hint costs speed, never
 * an answer (each is judged again when processed), so every Redis failure here is swallowed.
 * The keys share one hash tag so a read of many senders is one MGET on Redis Cluster too.
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

/** A question waits at most a day; a hint left behind by a session that ended otherwise goes with it. */
const HINT_TTL_SECONDS = 12 * 60 * 60;

export function redisTypedRedHints(redis: RedisClient, prefix: string): TypedRedHints {
  const key = (senderKey: string) => `${prefix}:{typed-red}:${senderKey}`;
  const mget = batchedMget(redis);
  const hints: TypedRedHints = {
    async remember(hints) {
      if (hints.size === 0) return;
      const batch = redis.multi();
      for (const [senderKey, hint] of hints) {
        if (hint) batch.set(key(senderKey), JSON.stringify(hint), 'EX', HINT_TTL_SECONDS);
        else batch.unlink(key(senderKey));
      }
      await batch.exec().catch(() => undefined);
    },
    async read(senderKeys) {
      const found = new Map<string, TypedRedHint>();
      const keys = [...new Set(senderKeys)];
      if (keys.length === 0) return found;
      const values = await mget(keys.map(key)).catch(() => [] as (string | null)[]);
      values.forEach((v, i) => {
        const hint = v ? parseHint(v) : null;
        if (hint) found.set(keys[i]!, hint);
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
 * MGET with the reads of one turn of the event loop sent as one: an overloaded intake asks
 * for a shed text's hint per request, many requests a turn, and one command each cost the
 * refusal most of its CPU again (`bench/shed-cost.ts`).
 */
function batchedMget(redis: RedisClient): (keys: string[]) => Promise<(string | null)[]> {
  let waiting: { keys: string[]; resolve: (v: (string | null)[]) => void; reject: (e: unknown) => void }[] = [];
  const flush = async () => {
    const batch = waiting;
    waiting = [];
    const keys = [...new Set(batch.flatMap((b) => b.keys))];
    try {
      const values = await redis.mget(keys);
      const byKey = new Map(keys.map((k, i) => [k, values[i] ?? null]));
      for (const b of batch) b.resolve(b.keys.map((k) => byKey.get(k) ?? null));
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  };
  return (keys) =>
    new Promise((resolve, reject) => {
      if (waiting.length === 0) setImmediate(() => void flush());
      waiting.push({ keys, resolve, reject });
    });
}
