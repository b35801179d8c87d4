import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { buildWorker, readWranglerSettings, type BuiltWorker } from './build-worker';

export interface WorkerConfig {
  /** The Hyperdrive binding's target; omitted = no binding (a broken deployment). */
  databaseUrl?: string;
  /** Vars and secrets alike are string bindings. */
  bindings: Record<string, string>;
}

/**
 * The Worker running locally in workerd (Miniflare): the bundle wrangler builds for a
 * deploy, run with the wrangler.toml compatibility settings. `configs` are deployments of the same bundle with
 * different bindings, all in one workerd (a restart per configuration costs seconds);
 * `dispatchFetch` reaches the first, `fetchVia(name, …)` any of them.
 */
export async function startWorker<N extends string>(configs: Record<N, WorkerConfig>) {
  // Miniflare names a Hyperdrive's local proxy after the binding (HYPERDRIVE), not the
  // worker: every deployment in one instance reaches the same database.
  const urls = new Set(Object.values<WorkerConfig>(configs).flatMap((c) => (c.databaseUrl ? [c.databaseUrl] : [])));
  if (urls.size > 1) throw new Error('startWorker: every deployment with a database must use the same databaseUrl');
  const outdir = mkdtempSync(path.join(tmpdir(), 'mimamori-worker-'));
  const settings = readWranglerSettings();
  const bundle: BuiltWorker = await buildWorker(outdir);
  const logs: string[] = [];
  const mf = new Miniflare({
    // What the Worker writes to the console (Workers Logs in production), for tests to read.
    handleStructuredLogs: ({ message }: { message: string }) => void logs.push(message),
    workers: (Object.entries(configs) as [N, WorkerConfig][]).map(([name, config]) => ({
      name,
      modules: true,
      scriptPath: bundle.file,
      modulesRoot: outdir, // module names relative to the bundle, not to the cwd
      compatibilityDate: settings.compatibilityDate,
      compatibilityFlags: settings.compatibilityFlags,
      ...(config.databaseUrl ? { hyperdrives: { HYPERDRIVE: withPassword(config.databaseUrl) } } : {}),
      bindings: config.bindings,
    })),
  });
  await mf.ready;
  return {
    mf,
    bundle,
    /** Every console line of every deployment so far, in order. */
    logs,
    async fetchVia(name: N, url: string, init: RequestInit) {
      // Miniflare types its fetcher with its own Request/Response classes; the calls are the same.
      const worker = (await mf.getWorker(name)) as unknown as { fetch(url: string, init: RequestInit): Promise<Response> };
      return worker.fetch(url, init);
    },
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
