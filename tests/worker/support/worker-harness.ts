import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { buildWorker, readWranglerSettings, type BuiltWorker } from './build-worker';

/**
 * The Worker running locally in workerd (Miniflare), built from src/worker.ts with the
 * wrangler.toml compatibility settings, its Hyperdrive binding pointing at a test
 * database and the settings given as bindings (vars and secrets alike are strings there).
 */
export async function startWorker(opts: { databaseUrl?: string; bindings: Record<string, string> }): Promise<{ mf: Miniflare; bundle: BuiltWorker; close(): Promise<void> }> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'mimamori-worker-'));
  const settings = readWranglerSettings();
  const bundle = await buildWorker(outdir, settings);
  const mf = new Miniflare({
    modules: true,
    scriptPath: bundle.file,
    modulesRoot: outdir, // module names relative to the bundle, not to the cwd
    compatibilityDate: settings.compatibilityDate,
    compatibilityFlags: settings.compatibilityFlags,
    ...(opts.databaseUrl ? { hyperdrives: { HYPERDRIVE: withPassword(opts.databaseUrl) } } : {}),
    bindings: opts.bindings,
  });
  await mf.ready;
  return {
    mf,
    bundle,
    async close() {
      await mf.dispose();
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}

/**
 * Miniflare insists on a password in a Hyperdrive URL; the test PostgreSQL uses trust
 * authentication and never asks for it, so any value does.
 */
function withPassword(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  if (!url.password) url.password = 'trust-auth-unused';
  return url.toString();
}
