/**
 * What one LINE send costs the process that sends it, in CPU: our client (src/bot/line/client.ts,
 * node:http with keep-alive) against @line/bot-sdk's MessagingApiClient (global fetch), the
 * client the answer jobs used before. A stand-in in a child process answers each POST at once
 * (200, an x-line-request-id), so this process's CPU is the client's alone. Each case sends
 * --sends replies, --concurrency at a time, after a warm-up; prints CPU µs a send, sends/s and
 * one JSON line.
 * Run: npm run bench -- line-send [--sends 20000] [--concurrency 16]
 */
import { spawn } from 'node:child_process';
import { messagingApi } from '@line/bot-sdk';
import { createLineApi } from '../src/bot/line/client';
import { parseArgs } from '../src/cli/command';
import { machineInfo } from './support/machine';

const { flags } = parseArgs(process.argv.slice(2));
const sends = Number(flags.sends ?? 20_000);
const concurrency = Number(flags.concurrency ?? 16);
const messages = [{ type: 'text' as const, text: '体温を入力してください（例: 36.5）' }];

const STAND_IN = `
const http = require('node:http');
let n = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'x-line-request-id': String(++n) }); res.end('{}'); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startStandIn(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', STAND_IN], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

async function run(send: (i: number) => Promise<unknown>, count: number): Promise<{ cpuUsPerSend: number; perSecond: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await send(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { cpuUsPerSend: Math.round((used.user + used.system) / count), perSecond: Math.round(count / seconds) };
}

async function main() {
  const standIn = await startStandIn();
  const env = { LINE_CHANNEL_ACCESS_TOKEN: 'bench', LINE_API_BASE_URL: standIn.url };
  const ours = createLineApi(env);
  const sdk = new messagingApi.MessagingApiClient({ channelAccessToken: 'bench', baseURL: standIn.url });
  const cases = {
    'node:http (createLineApi)': (i: number) => ours.reply(`token-${i}`, messages),
    'fetch (@line/bot-sdk)': (i: number) => sdk.replyMessageWithHttpInfo({ replyToken: `token-${i}`, messages }),
  };
  const results: Record<string, { cpuUsPerSend: number; perSecond: number }> = {};
  for (const [name, send] of Object.entries(cases)) {
    await run(send, Math.min(2000, sends)); // warm-up: JIT, connections
    results[name] = await run(send, sends);
  }
  standIn.stop();
  console.log(JSON.stringify({ bench: 'line-send', ...machineInfo(), sends, concurrency, results }));
  console.log(`LINE sends, ${sends} replies ${concurrency} at a time against a stand-in answering at once (CPU of the sending process only):`);
  for (const [name, r] of Object.entries(results)) console.log(`  ${name.padEnd(28)} ${String(r.cpuUsPerSend).padStart(5)} µs of CPU a send, ${r.perSecond} sends/s`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
