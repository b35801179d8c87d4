/**
 * The typed-red hints at the national round (jobs/typed-red-hints.ts): every recipient of a
 * red-capable first question hinted as its multicast of 500 goes out, then the intake's reads.
 * Prints, for --senders N (default 1,544,000: every recipient hinted, the worst case):
 * Redis memory a sender (used_memory before and after), Node CPU and Redis CPU a 500-batch
 * remembered, and a typed text's read (one sender a request, the reads of a turn batched as the
 * overloaded intake makes them) — beside the layout it replaced, a key a sender holding its JSON.
 * Redis should be otherwise idle (its CPU and memory are read server-wide).
 * Run: npm run bench -- red-hints [--senders 1544000] [--reads 200000]
 */
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from '../src/cli/command';
import type { TypedRedHint } from '../src/flows';
import { redisTypedRedHints } from '../src/jobs/typed-red-hints';
import { createLogger } from '../src/platform/logger';
import { connectRedis } from '../src/platform/redis';
import { redisCpuSeconds } from './support/cpu';
import { machineInfo } from './support/machine';

const args = parseArgs(process.argv.slice(2));
const senders = Number(args.flags.senders ?? 1_544_000);
const reads = Number(args.flags.reads ?? 200_000);
const BATCH = 500;
const redis = connectRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `bench-hints-${randomBytes(4).toString('hex')}`;
const fever: TypedRedHint = { kind: 'number', options: { min: 34, max: 42, precision: 0.1 }, ranges: [[38, 42]] };
const senderKey = (n: number) => createHash('sha256').update(`line:U${n}`).digest('hex');
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
const nodeCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Remember every sender in batches of 500 (a fresh hint object each, as the dispatcher computes one a person). */
async function remember(write: (batch: Map<string, TypedRedHint>) => Promise<void>) {
  // Built before the clock starts: the dispatcher has its senders' keys and hints at hand.
  const batches: Map<string, TypedRedHint>[] = [];
  for (let from = 0; from < senders; from += BATCH) {
    const batch = new Map<string, TypedRedHint>();
    for (let i = from; i < Math.min(senders, from + BATCH); i++) batch.set(senderKey(i), { ...fever });
    batches.push(batch);
  }
  const m0 = await usedMemory();
  const r0 = await redisCpuSeconds(redis);
  const n0 = nodeCpu();
  const t0 = performance.now();
  for (const batch of batches) await write(batch);
  const wallS = (performance.now() - t0) / 1000;
  return {
    bytesASender: Math.round(((await usedMemory()) - m0) / senders),
    mib: Math.round(((await usedMemory()) - m0) / 2 ** 20),
    wallS: Number(wallS.toFixed(1)),
    nodeMsABatch: Number((((nodeCpu() - n0) * 1000) / batches.length).toFixed(2)),
    redisMsABatch: Number(((((await redisCpuSeconds(redis)) - r0) * 1000) / batches.length).toFixed(2)),
  };
}

/** Typed texts read as the intake does: one sender a call, 200 calls a turn of the event loop. */
async function read(looksRed: (texts: { senderKey: string; text: string }[]) => Promise<boolean[]>) {
  const r0 = await redisCpuSeconds(redis);
  const n0 = nodeCpu();
  let red = 0;
  for (let done = 0; done < reads; done += 200) {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => looksRed([{ senderKey: senderKey((done + i) * 7 % (senders * 2)), text: '38.5' }])));
    red += answers.filter((a) => a[0]).length;
  }
  return { nodeUsARead: Math.round(((nodeCpu() - n0) * 1e6) / reads), redisUsARead: Number(((((await redisCpuSeconds(redis)) - r0) * 1e6) / reads).toFixed(1)), matched: red };
}

/** The layout before: a key a sender holding the hint's JSON, read with one MGET a turn. */
function keyASender() {
  const key = (k: string) => `${prefix}-keys:{typed-red}:${k}`;
  return {
    async write(batch: Map<string, TypedRedHint>) {
      const p = redis.pipeline();
      for (const [k, h] of batch) p.set(key(k), JSON.stringify(h), 'EX', 43_200);
      await p.exec();
    },
    async looksRed(texts: { senderKey: string; text: string }[]) {
      const values = await redis.mget(texts.map((t) => key(t.senderKey)));
      return values.map((v) => v !== null);
    },
  };
}

async function dropPrefix(p: string) {
  for (let cursor = '0'; ; ) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${p}*`, 'COUNT', 5000);
    if (keys.length) await redis.unlink(...keys);
    if ((cursor = next) === '0') return;
  }
}

async function main() {
  while (redis.status !== 'ready') await new Promise((r) => setTimeout(r, 20));
  const hints = redisTypedRedHints(redis, prefix);
  const now = { ...(await remember((b) => hints.remember(b))), ...(await read((t) => hints.looksRed(t))) };
  await dropPrefix(prefix);
  const before = keyASender();
  const old = { ...(await remember((b) => before.write(b))), ...(await read((t) => before.looksRed(t))) };
  await dropPrefix(`${prefix}-keys`);
  console.log(JSON.stringify({ bench: 'red-hints', ...machineInfo(), senders, reads, hashes: now, keyASender: old }));
  console.log(`\n${senders.toLocaleString('en')} senders hinted in batches of ${BATCH}; ${reads.toLocaleString('en')} typed texts read (one sender a call, 200 calls a turn; ${now.matched.toLocaleString('en')} of them hinted)`);
  console.log('| layout | Redis a sender | in all | remember 500: Node / Redis CPU ms | a read: Node / Redis CPU µs | wall |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, r] of [['a key a sender (before)', old], ['4,096 hashes a generation (now)', now]] as const) {
    console.log(`| ${name} | ${r.bytesASender} B | ${r.mib} MiB | ${r.nodeMsABatch} / ${r.redisMsABatch} | ${r.nodeUsARead} / ${r.redisUsARead} | ${r.wallS} s |`);
  }
  redis.disconnect();
}

void main().catch((err) => {
  createLogger({ level: 'error' }).error({ err }, 'red-hints bench failed');
  process.exit(1);
});
