import { register } from 'node:module';
import { loadEnv } from './config/env';
import { startTracing } from './platform/tracing/start-tracing';

/**
 * Loaded before the app (`npm start`: tsx --import ./src/tracing-preload.ts): with
 * OTEL_EXPORTER_OTLP_ENDPOINT set, tracing starts before ioredis and http are loaded, so the
 * instrumentation libraries can wrap them (the ESM loader hook, import-in-the-middle, limited
 * to those modules). Unset: nothing happens.
 * A bad setting is left for server.ts to report with the others.
 */
let endpoint: string | undefined;
try {
  endpoint = loadEnv().OTEL_EXPORTER_OTLP_ENDPOINT;
} catch {
  endpoint = undefined;
}
if (endpoint) {
  // Only the modules the instrumentations wrap: hooking every module hangs under tsx's own loader.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ['http', 'https', 'node:http', 'node:https', 'ioredis'] } });
  const tracing = startTracing({ endpoint });
  process.once('beforeExit', () => void tracing.shutdown());
}
