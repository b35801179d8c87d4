import type { Redis } from 'ioredis';
import type { Db, DbHandle } from '../db/client';
import type { Env } from './config/env';
import type { JobRunner } from './jobs/runner';
import type { Logger } from './platform/logger';

/**
 * What every router, verb host and job handler needs, built once at start-up
 * (src/server.ts) or per test. No module-level singletons.
 */
export interface Deps {
  env: Env;
  db: Db;
  dbHandle: DbHandle;
  redis: Redis;
  jobs: JobRunner;
  logger: Logger;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
  /**
   * Aborted when the process begins a graceful shutdown (src/server.ts): long-lived
   * responses (the console's SSE stream) end cleanly so the HTTP server can drain.
   */
  stopping?: AbortSignal;
}
