import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { bundlePath, type Entry } from './entry-bundle';
import { entryBundleDir } from './run-artefacts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
// Bundled once per run: a child then starts in ~1.5 s of CPU instead of ~4 s through tsx.
const BUNDLE = await entryBundleDir();

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Run one of the entry points (src/server.ts, src/cli.ts) as `npm start` / `npm run cli` would, with only the given settings:
 * the same code, bundled from src/ for this run (entry-bundle.ts), in its own Node process.
 * `stdin`: what is piped in (then closed); by default stdin is empty.
 */
export function spawnEntry(entry: Entry, env: Record<string, string>, args: string[] = [], opts: { stdin?: string } = {}): Spawned {
  let out = '';
  const child = spawn(process.execPath, [bundlePath(BUNDLE, entry), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Poll a URL until the server answers (a loaded machine starts PGlite slowly: over 90 s with eight test runs on two cores). */
export async function waitFor(url: string, timeoutMs = 180_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
