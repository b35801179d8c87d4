import type { RedisClient } from './platform/redis';
import type { Db, DbHandle } from '../db/client';
import type { Env } from './config/env';
import type { ChannelWork } from './jobs/channel-work';
import type { JobRunner } from './jobs/runner';
import type { BacklogGate } from './platform/backlog-gate';
import type { Logger } from './platform/logger';
import type { Mailer } from './platform/mail';

/**
 * What every router, verb host and job handler needs, built once at start-up
 * (src/server.ts) or per test. No module-level singletons.
 */
export interface Deps {
  env: Env;
  db: Db;
  dbHandle: DbHandle;
  redis: RedisClient;
  jobs: JobRunner;
  logger: Logger;
  /** Outgoing e-mail to staff; undefined when SMTP_URL is not set (callers show links on screen instead). */
  mailer?: Mailer;
  /** The channel code the job handlers run (src/bot/channel-work.ts), handed in by the composition root. */
  channels: ChannelWork;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
  /**
   * Aborted when the process begins a graceful shutdown (src/server.ts): long-lived
   * responses (the console's SSE stream) end cleanly so the HTTP server can drain.
   */
  stopping?: AbortSignal;
  /**
   * The inbox backlog read once a second (src/platform/backlog-gate.ts): LINE webhooks
   * are shed past INBOX_BACKLOG_LIMIT. Built by createDeps, started by an intake process.
   */
  inboxGate?: BacklogGate;
}
