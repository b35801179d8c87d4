import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (src/tracing-preload.ts)
 * or a test passes an exporter. Spans: each HTTP request by route group (src/ops/http-tracing.ts),
 * each job (joined to its producer's trace through the job data, src/jobs/runner.ts), LINE
 * sends, alerts raised; outgoing node:http requests (Twilio's client) from the
 * instrumentation library. Not traced yet: PostgreSQL queries (postgres.js has no
 * OpenTelemetry instrumentation; @opentelemetry/instrumentation-pg wraps only `pg`) and Redis
 * commands (@opentelemetry/instrumentation-ioredis wraps nothing of ioredis 6 here). Span attributes carry ids of rows at most, never personal data.
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
    ],
  });
  return {
    async shutdown() {
      unregister();
      await provider.shutdown();
    },
  };
}
