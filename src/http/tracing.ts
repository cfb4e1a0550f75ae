import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context, Span } from '@opentelemetry/api';
import { SpanStatusCode, outcomeOf, startServerSpan, withContext } from '../lib/tracing.ts';

/**
 * One server span per request (docs/operations.md#traces), registered only when traces are on.
 * The caller's `traceparent` is honoured; the span is named by the route's template, never by the
 * URL as sent (a connect link carries a signed token in its path, a callback its code and state in
 * the query), and carries no header's value.
 */
interface Traced {
  span: Span;
  ctx: Context;
  outcome?: string;
  ended?: boolean;
}
const SPAN = Symbol('cv.span');
type TracedRequest = FastifyRequest & { [SPAN]?: Traced };

/** Route parameters that are vault ids, as span attributes (`ac_…`, `ca_…`). */
const ID_ATTRS: Record<string, string> = {
  ac: 'cv.auth_config_id',
  ca: 'cv.connected_account_id',
  tn: 'cv.tenant_id',
};

function idAttributes(params: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!params || typeof params !== 'object') return out;
  for (const v of Object.values(params as Record<string, unknown>)) {
    if (typeof v !== 'string') continue;
    const attr = ID_ATTRS[/^([a-z]{2})_[0-9a-z]{10,40}$/.exec(v)?.[1] ?? ''];
    if (attr) out[attr] = v;
  }
  return out;
}

function end(req: TracedRequest, status: number, aborted = false): void {
  const t = req[SPAN];
  if (!t || t.ended) return;
  t.ended = true;
  const tenantId = req.principal?.tenantId;
  t.span.setAttributes({
    'http.response.status_code': status,
    'cv.outcome': aborted ? 'aborted' : (t.outcome ?? (status < 400 ? 'ok' : `http_${status}`)),
    ...(tenantId ? { 'cv.tenant_id': tenantId } : {}),
    ...idAttributes(req.params),
  });
  if (status >= 500) t.span.setStatus({ code: SpanStatusCode.ERROR });
  t.span.end();
}

export function registerTracing(app: FastifyInstance): void {
  app.addHook('onRequest', (req: TracedRequest, _reply, done) => {
    const route = req.routeOptions.url;
    const { span, ctx } = startServerSpan(
      route ? `${req.method} ${route}` : req.method,
      req.headers,
      {
        'http.request.method': req.method,
        'http.route': route,
        'url.scheme': req.protocol,
      },
    );
    req[SPAN] = { span, ctx };
    withContext(ctx, done);
  });
  // The handler runs in the request's context, wherever the hooks before it continued from.
  app.addHook('preHandler', (req: TracedRequest, _reply, done) => {
    const t = req[SPAN];
    if (t) withContext(t.ctx, done);
    else done();
  });
  // The problem's stable code is the outcome (never its detail, which may quote an input).
  app.addHook('onError', (req: TracedRequest, _reply, err, done) => {
    const t = req[SPAN];
    if (t) t.outcome = outcomeOf(err);
    done();
  });
  app.addHook('onResponse', (req: TracedRequest, reply, done) => {
    end(req, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (req: TracedRequest, done) => {
    end(req, 499, true);
    done();
  });
}
