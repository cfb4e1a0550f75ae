import {
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

/**
 * The vault's own spans (docs/operations.md#traces), on the OpenTelemetry API only: no SDK is
 * loaded here. Until `enableTracing()` runs (main.ts, when the OTEL_* settings ask for traces)
 * every helper is a flag check and a direct call, so the token path pays nothing for them.
 *
 * Attributes name tenants, configs, accounts and outcomes — ids and codes, never a token, a secret,
 * a code, a state, a cookie, a header's value or a URL's query string.
 */

let on = false;
const tracer = () => trace.getTracer('credential-vault');

/** Called once the SDK is registered: from then on the helpers make spans. */
export function enableTracing(): void {
  on = true;
}

export const tracingEnabled = (): boolean => on;

export type SpanAttrs = Record<string, string | number | boolean | null | undefined>;

/** What a traced function may add to its span; a no-op while tracing is off. */
export interface SpanNote {
  set(attrs: SpanAttrs): void;
}

const NOOP_NOTE: SpanNote = { set: () => {} };

function clean(attrs: SpanAttrs): Attributes {
  const out: Attributes = {};
  for (const k in attrs) {
    const v = attrs[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  return out;
}

/** The stable, secret-free name of what went wrong: an error's code or kind, else its class. */
export function outcomeOf(err: unknown): string {
  const e = err as { code?: unknown; kind?: unknown; name?: unknown } | null;
  if (e && typeof e.code === 'string') return e.code;
  if (e && typeof e.kind === 'string') return e.kind;
  return e && typeof e.name === 'string' ? e.name : 'error';
}

/**
 * Runs `fn` in a span named `name` (a child of the active one). Its `cv.outcome` is what
 * `outcome(result)` says (default `ok`) or, when `fn` throws, the error's code; the error's
 * message is never recorded (it may quote what a provider answered).
 */
export function traced<T>(
  name: string,
  attrs: SpanAttrs,
  fn: (note: SpanNote) => Promise<T>,
  outcome?: (result: T) => string,
): Promise<T> {
  if (!on) return fn(NOOP_NOTE);
  return tracer().startActiveSpan(name, { attributes: clean(attrs) }, async (span) => {
    const note: SpanNote = { set: (a) => span.setAttributes(clean(a)) };
    try {
      const result = await fn(note);
      span.setAttribute('cv.outcome', outcome ? outcome(result) : 'ok');
      return result;
    } catch (err) {
      const code = outcomeOf(err);
      span.setAttributes({ 'cv.outcome': code, 'error.type': code });
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The ids a span carries, under their attribute names. */
export const ids = (a: {
  tenantId?: string | null;
  authConfigId?: string | null;
  accountId?: string | null;
}): SpanAttrs => ({
  'cv.tenant_id': a.tenantId,
  'cv.auth_config_id': a.authConfigId,
  'cv.connected_account_id': a.accountId,
});

/** For the HTTP layer (http/tracing.ts): a server span whose parent is the caller's traceparent. */
export function startServerSpan(
  name: string,
  headers: Record<string, unknown>,
  attrs: SpanAttrs,
): { span: Span; ctx: Context } {
  const parent = propagation.extract(context.active(), headers);
  const span = tracer().startSpan(
    name,
    { kind: SpanKind.SERVER, attributes: clean(attrs) },
    parent,
  );
  return { span, ctx: trace.setSpan(parent, span) };
}

/** Runs `fn` with `ctx` active (the request's span is the parent of what the handler does). */
export const withContext = <T>(ctx: Context, fn: () => T): T => context.with(ctx, fn);

export { SpanStatusCode };
