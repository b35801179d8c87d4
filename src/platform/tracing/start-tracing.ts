import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (src/tracing-preload.ts)
 * or a test passes an exporter. Spans: each HTTP request by route group (src/ops/http-tracing.ts),
 * each job (joined to its producer's trace through the job data, src/jobs/runner.ts), LINE
 * sends, alerts raised; outgoing node:http requests (Twilio's client) and Redis commands
 * (ioredis, BullMQ's too) from the instrumentation libraries — loaded by the preload before
 * the modules they wrap; PostgreSQL queries from db/traced-sql.ts (postgres.js has no
 * instrumentation library). Span attributes carry ids of rows at most, never personal data:
 * Redis spans carry the command name, not its arguments.
 */
export interface Tracing {
  shutdown(): Promise<void>;
}

export function startTracing(opts: { endpoint?: string; exporter?: SpanExporter; serviceName?: string }): Tracing {
  const exporter = opts.exporter ?? new OTLPTraceExporter({ url: `${opts.endpoint!.replace(/\/$/, '')}/v1/traces` });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName ?? 'mimamori' }),
    // A test's in-memory exporter sees each span at once; a collector gets them in batches.
    spanProcessors: [opts.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
  provider.register();
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Incoming requests get their span from the app's middleware (route groups, no paths with tokens).
      new HttpInstrumentation({ ignoreIncomingRequestHook: () => true }),
      // The command and key count only: a key or value could hold an id we do not want in a trace.
      new IORedisInstrumentation({ dbStatementSerializer: (command) => command, requireParentSpan: true }),
    ],
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
