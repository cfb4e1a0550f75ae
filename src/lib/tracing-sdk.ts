import type { Attributes } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { enableTracing } from './tracing.ts';
import type { TracingSettings } from './tracing-config.ts';

/**
 * Loads and registers the OpenTelemetry SDK (docs/operations.md#traces). Only main.ts calls this,
 * and only when traces are configured: every package is imported here dynamically, so a vault
 * without OTEL_* settings never loads the SDK (dist/ is one bundle; a static import would load it
 * at start either way).
 *
 * The vault's calls go out through undici, whose diagnostics channels the undici instrumentation
 * follows (no module patching, which a bundle would bypass); incoming requests are traced by
 * fastify hooks (http/tracing.ts); the named operations are spans of lib/tracing.ts.
 */
export async function startTracing(
  settings: TracingSettings,
  version: string,
  /** a batch the collector did not take (down, refusing): how many spans were lost */
  onExportFailure?: (spans: number) => void,
): Promise<{ flush(): Promise<void>; shutdown(): Promise<void> }> {
  const [{ NodeTracerProvider, BatchSpanProcessor }, resources, undici, exporterModule] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/instrumentation-undici'),
      settings.protocol === 'http/json'
        ? import('@opentelemetry/exporter-trace-otlp-http')
        : import('@opentelemetry/exporter-trace-otlp-proto'),
    ]);
  // Endpoint, headers, timeout and compression come from the OTEL_EXPORTER_OTLP_* variables.
  const exporter = redacting(new exporterModule.OTLPTraceExporter(), onExportFailure);
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override these defaults.
  const resource = resources
    .resourceFromAttributes({ 'service.name': 'credential-vault', 'service.version': version })
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  // The sampler is OTEL_TRACES_SAMPLER's (default: parent-based, always on).
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  const instrumentation = new undici.UndiciInstrumentation({
    // Calls made outside any operation of ours (none are expected) are not traced on their own.
    requireParentforSpans: true,
  });
  instrumentation.setTracerProvider(provider);
  instrumentation.enable();
  enableTracing();
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      instrumentation.disable();
      // Flushes what is batched; the exporter's own timeout bounds the wait.
      await provider.shutdown();
    },
  };
}

/**
 * What leaves the process is checked here, whoever made the span: URLs lose their query string,
 * fragment and user information (a proxied call's or a webhook's URL may carry a credential there).
 */
function redacting(inner: SpanExporter, onFailure?: (spans: number) => void): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (r: ExportResult) => void) {
      inner.export(spans.map(redactSpan), (r) => {
        // ExportResultCode.FAILED; the error itself is not passed on (it may quote the endpoint).
        if (r.code !== 0) onFailure?.(spans.length);
        done(r);
      });
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

const URL_KEYS = new Set(['url.full', 'http.url', 'http.target', 'url.original']);
const QUERY_KEYS = new Set(['url.query', 'http.query']);

export function redactAttributes(attrs: Attributes): Attributes {
  let out: Attributes | undefined;
  for (const key in attrs) {
    const value = attrs[key];
    let next = value;
    if (QUERY_KEYS.has(key) && value) next = '[redacted]';
    else if (URL_KEYS.has(key) && typeof value === 'string') next = redactUrl(value);
    if (next !== value) (out ??= { ...attrs })[key] = next;
  }
  return out ?? attrs;
}

export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1').replace(/[?#].*$/s, '');
}

function redactSpan(span: ReadableSpan): ReadableSpan {
  const attributes = redactAttributes(span.attributes);
  const events = span.events.map((e) =>
    e.attributes ? { ...e, attributes: redactAttributes(e.attributes) } : e,
  );
  // The span itself stays as it is (its prototype gives the rest); only what is read differs.
  return Object.create(span, {
    attributes: { value: attributes },
    events: { value: events },
  }) as ReadableSpan;
}
