import { hostEnvironment } from '../../src/config/env';
import { ensureBrowserDeps } from '../../src/platform/services/browser-deps';
import { ensureServices } from '../../src/platform/services/ensure-services';
import { createHost } from '../../src/platform/services/host-tools';

/**
 * `npm test` runs this first (package.json "pretest"): PostgreSQL 15+ and Redis 7 where the
 * suite expects them (TEST_PG_BASE, TEST_REDIS_URL; default 127.0.0.1:5432 and :6379),
 * Chromium and a Japanese font for the browser tests. Started or installed when they can
 * be (src/platform/services); otherwise one message and exit 1, before any test runs.
 */
async function main(): Promise<number> {
  const environment = hostEnvironment();
  const host = createHost(environment);
  const pgBase = environment.TEST_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432';
  const redisUrl = environment.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const services = await ensureServices(host, { postgresUrl: `${pgBase}/postgres`, redisUrl });
  const browser = environment.SKIP_BROWSER_CHECK === '1' ? { ok: true, done: [], problem: '' } : await ensureBrowserDeps(host);
  for (const line of [...services.done, ...browser.done]) process.stdout.write(`npm test: ${line}\n`);
  const problems = [services.problem, browser.problem].filter(Boolean);
  if (!problems.length) return 0;
  process.stderr.write(`npm test cannot run yet:\n${problems.join('\n')}\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`npm test: checking PostgreSQL and Redis failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
