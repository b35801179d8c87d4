import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '../../..');
/** The pinned wrangler (package.json devDependencies), run by node as `npx wrangler` would. */
const WRANGLER = path.join(ROOT, 'node_modules/wrangler/bin/wrangler.js');

export interface WranglerSettings {
  main: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
}

/**
 * The settings Miniflare needs, read from wrangler.toml itself so the tests run the Worker
 * as configured (a few top-level keys; no TOML library needed for them).
 */
export function readWranglerSettings(): WranglerSettings {
  const toml = readFileSync(path.join(ROOT, 'wrangler.toml'), 'utf8');
  const key = (name: string) => new RegExp(`^${name}\\s*=\\s*(.+)$`, 'm').exec(toml)?.[1]?.trim();
  const main = JSON.parse(key('main') ?? 'null') as string | null;
  const date = JSON.parse(key('compatibility_date') ?? 'null') as string | null;
  const flags = JSON.parse(key('compatibility_flags') ?? '[]') as string[];
  if (!main || !date) throw new Error('wrangler.toml needs main and compatibility_date');
  return { main, compatibilityDate: date, compatibilityFlags: flags };
}

export interface BuiltWorker {
  file: string;
  bytes: number;
  /** Every source file and package module in the bundle, as `src/…` or `node_modules/…`. */
  inputs: string[];
}

/**
 * Build the Worker with wrangler itself — `wrangler deploy --dry-run --outdir`, exactly
 * what `npx wrangler deploy` would upload — so the tests run the deployed bundle, not a
 * look-alike. The metafile lists what went in.
 */
export async function buildWorker(outdir: string): Promise<BuiltWorker> {
  const metafile = path.join(outdir, 'bundle-meta.json');
  const args = [WRANGLER, 'deploy', '--dry-run', '--config', path.join(ROOT, 'wrangler.toml'), '--outdir', outdir, '--metafile', metafile];
  // No telemetry, no banner (its update check calls the npm registry), logs out of $HOME.
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', WRANGLER_LOG_PATH: path.join(outdir, 'logs') };
  try {
    await promisify(execFile)(process.execPath, args, { cwd: ROOT, env, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`wrangler deploy --dry-run failed:\n${stdout}\n${stderr}`, { cause: err });
  }
  const file = path.join(outdir, `${path.basename(readWranglerSettings().main, '.ts')}.js`);
  const meta = JSON.parse(readFileSync(metafile, 'utf8')) as { inputs: Record<string, unknown> };
  return { file, bytes: statSync(file).size, inputs: Object.keys(meta.inputs).map(projectPath) };
}

/** esbuild names inputs relative to the cwd, through the node_modules symlink: name them from the project. */
function projectPath(input: string): string {
  const abs = path.resolve(ROOT, input);
  const at = abs.indexOf(`${path.sep}node_modules${path.sep}`);
  return at >= 0 ? abs.slice(at + 1) : path.relative(ROOT, abs);
}
