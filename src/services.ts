import postgres from 'postgres';
import { hostEnvironment, loadEnv } from './config/env';
import { ensureServices } from './platform/services/ensure-services';
import { createHost } from './platform/services/host-tools';

/**
 * `npm run services`: PostgreSQL and Redis for a local deployment. Installs them on
 * Debian/Ubuntu as root, starts them when stopped, and with DATABASE_URL unset creates a
 * `mimamori` database and prints the DATABASE_URL to use instead of the embedded PGlite.
 */
const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/mimamori';

async function main(): Promise<number> {
  const env = loadEnv();
  const host = createHost(hostEnvironment());
  const postgresUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const result = await ensureServices(host, { postgresUrl, redisUrl: env.REDIS_URL });
  for (const line of result.done) process.stdout.write(`${line}\n`);
  if (!result.ok) {
    process.stderr.write(`${result.problem}\n`);
    return 1;
  }
  process.stdout.write(`Redis answers at ${env.REDIS_URL}: rounds and reminders run.\n`);
  if (env.DATABASE_URL) {
    process.stdout.write('PostgreSQL answers at DATABASE_URL.\n');
    return 0;
  }
  const sql = postgres(postgresUrl, { max: 1, onnotice: () => {} });
  try {
    const [found] = await sql`select 1 from pg_database where datname = 'mimamori'`;
    if (!found) await sql.unsafe('create database mimamori');
  } finally {
    await sql.end();
  }
  process.stdout.write(`PostgreSQL answers; to keep the data there instead of the embedded database (./.data), start with\n  DATABASE_URL=${LOCAL_DATABASE_URL} npm start\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`npm run services failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
