import { StartupError } from './errors.ts';

/**
 * Whether traces are exported, read from the standard OTEL_* variables (docs/operations.md#traces).
 * config.ts hands the environment in; the SDK itself reads the rest of the OTEL_* variables
 * (endpoint, headers, timeout, sampler, resource attributes) when it is loaded.
 */
export interface TracingSettings {
  enabled: boolean;
  /** OTLP over HTTP: protobuf (the standard's default) or JSON */
  protocol: 'http/protobuf' | 'http/json';
  /** where spans go, for the start-up log line (no credentials: headers are never shown) */
  endpoint: string | null;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);

/** The variables of the standard this reads; the SDK reads these and the rest itself. */
export const OTEL_VARIABLES = [
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
] as const;

export function tracingSettings(
  env: Record<string, string | undefined>,
  fail: (message: string) => Error = (m) => new StartupError(m),
): TracingSettings {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const off = (): TracingSettings => ({
    enabled: false,
    protocol: 'http/protobuf',
    endpoint: null,
  });
  if (TRUE.has(get('OTEL_SDK_DISABLED')?.toLowerCase() ?? '')) return off();
  const exporters = (get('OTEL_TRACES_EXPORTER') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const e of exporters) {
    if (e !== 'otlp' && e !== 'none')
      throw fail(
        `OTEL_TRACES_EXPORTER=${e} is not supported: use otlp (OTLP over HTTP) or none (got ${JSON.stringify(env.OTEL_TRACES_EXPORTER)})`,
      );
  }
  if (exporters.includes('none')) return off();
  const protocol = get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? get('OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol !== undefined && protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw fail(
      `OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (OTLP over HTTP, usually port 4318; gRPC is not supported) (got ${JSON.stringify(protocol)})`,
    );
  }
  const signal = get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = get('OTEL_EXPORTER_OTLP_ENDPOINT');
  for (const [name, v] of [
    ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', signal],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', base],
  ] as const) {
    if (v !== undefined && !/^https?:\/\/\S+$/.test(v))
      throw fail(`${name} must be an http(s) URL (got ${JSON.stringify(v)})`);
  }
  // Configured: an endpoint, or the otlp exporter asked for by name (then the standard's default).
  if (!signal && !base && !exporters.includes('otlp')) return off();
  const endpoint = signal ?? `${(base ?? 'http://localhost:4318').replace(/\/+$/, '')}/v1/traces`;
  return {
    enabled: true,
    protocol: protocol === 'http/json' ? 'http/json' : 'http/protobuf',
    // Shown without user information or a query string, which could carry a credential.
    endpoint: endpoint.replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, ''),
  };
}
