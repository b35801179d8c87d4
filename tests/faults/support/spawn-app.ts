import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { World } from './world';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface AppProcess {
  child: ChildProcess;
  /** Resolves when the child printed this line ("ready", "ticked"). */
  printed(line: string): Promise<void>;
  exited: Promise<NodeJS.Signals | number | null>;
  stderr(): string;
  kill(): Promise<NodeJS.Signals | number | null>;
}

/** Start tests/faults/support/app-process.ts in a child process against this world. */
export function spawnApp(w: World, opts: { queues: string[]; scheduler?: boolean; ticks?: number; now: Date }): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'app-process.ts')], {
    env: {
      ...process.env,
      FAULT_DATABASE_URL: w.deps.testDb.url,
      FAULT_REDIS_URL: w.redis.url,
      FAULT_PREFIX: w.deps.jobs.prefix,
      FAULT_LINE_URL: w.line.url,
      FAULT_TWILIO_URL: w.twilio.url,
      FAULT_QUEUES: opts.queues.join(','),
      FAULT_SCHEDULER: opts.scheduler ? 'on' : 'off',
      FAULT_TICKS: String(opts.ticks ?? 0),
      FAULT_NOW: opts.now.toISOString(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { line: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.filter((x) => out.split('\n').includes(x.line))) w.resolve();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return {
    child,
    printed: (line) =>
      out.split('\n').includes(line)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ line, resolve })),
            exited.then((how) => Promise.reject(new Error(`app process exited (${how}) before printing "${line}": ${err.slice(-2000)}`))),
          ]),
    exited,
    stderr: () => err,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
