import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../../..');

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
  /** Every source file and package module in the bundle (esbuild's metafile). */
  inputs: string[];
}

/**
 * Bundle the Worker the way wrangler does for workerd: ESM, the `workerd`/`worker`/
 * `browser` export conditions (postgres.js then picks its Cloudflare build), node:* and
 * cloudflare:* left to the runtime (nodejs_compat). esbuild's API is used directly because
 * the wrangler CLI takes tens of seconds to start on a busy machine; `npx wrangler deploy
 * --dry-run --outdir dist` gives the same graph (see the README).
 */
export async function buildWorker(outdir: string, settings = readWranglerSettings()): Promise<BuiltWorker> {
  const file = path.join(outdir, 'worker.js');
  const result = await build({
    entryPoints: [path.join(ROOT, settings.main)],
    outfile: file,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['workerd', 'worker', 'browser', 'module', 'main'],
    external: ['node:*', 'cloudflare:*'],
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.metafile.outputs[path.relative(process.cwd(), file)]?.bytes ?? readFileSync(file).byteLength;
  return { file, bytes, inputs: Object.keys(result.metafile.inputs) };
}
