import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The few host facts the service checks need (src/platform/services): which programs are on
 * PATH, whether this is a Debian/Ubuntu machine we may install packages on, and running a
 * command. PATH is passed in, so a test can check "nothing installed" with a bare PATH.
 */
export interface Host {
  /** The PATH programs are looked up in (and that started commands get). */
  path: string;
  /** Runs a program found on `path`; rejects with its output when it exits non-zero. */
  run(program: string, args: string[], opts?: { env?: Record<string, string> }): Promise<string>;
}

export function findProgram(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Debian or Ubuntu, as root, with apt-get on PATH: missing packages can be installed. */
export function canInstallWithApt(path: string): boolean {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && findProgram('apt-get', path) !== null;
}

/** `environment`: the variables started programs inherit (src/config/env.ts hostEnvironment). */
export function createHost(environment: Record<string, string | undefined>, path = environment.PATH ?? ''): Host {
  return {
    path,
    run(program, args, opts = {}) {
      const file = findProgram(program, path);
      if (!file) return Promise.reject(new Error(`${program} is not on PATH`));
      return new Promise((resolve, reject) => {
        execFile(file, args, { env: { ...environment, PATH: path, ...opts.env }, timeout: 15 * 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
          if (err) reject(new Error(`${program} ${args.join(' ')} failed: ${(stderr || stdout || err.message).trim()}`));
          else resolve(stdout);
        });
      });
    },
  };
}

/** Polls `probe` until it is true or `timeoutMs` passes. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}
