import { request, type Dispatcher } from 'undici';
import type { OutboundLimiter, Release } from '../../lib/outbound-limiter.ts';
import { ids, traced } from '../../lib/tracing.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Body } from './bodies.ts';
import { upstreamError } from './errors.ts';

/**
 * The proxy's call to the provider (docs/proxy.md): one request under an outbound slot of the
 * tenant and the origin, held until the answer's body has been read to its end, cut or abandoned
 * (its stream closes). Its span (`proxy.upstream`) has the provider's status as its outcome; the
 * URL is left to the HTTP client's span, which is exported without its query string.
 */
export function createUpstreamCall(deps: {
  metrics: Pick<Metrics, 'proxyUpstreamLatency'>;
  outbound: Pick<OutboundLimiter, 'acquire'>;
  timeoutMs: number;
}) {
  const send = (
    url: URL,
    method: string,
    headers: Record<string, string | string[]>,
    body: Body,
    dispatcher: Dispatcher | undefined,
    signal: AbortSignal,
    account: { tenantId: string; authConfigId: string; id: string },
  ) =>
    traced(
      'proxy.upstream',
      {
        ...ids({
          tenantId: account.tenantId,
          authConfigId: account.authConfigId,
          accountId: account.id,
        }),
        'http.request.method': method,
        'server.address': url.hostname,
      },
      async (note) => {
        const res = await sendOnce(
          url,
          method,
          headers,
          body,
          dispatcher,
          signal,
          account.tenantId,
        );
        note.set({ 'http.response.status_code': res.statusCode });
        return res;
      },
      (res) => (res.statusCode < 400 ? 'ok' : `http_${res.statusCode}`),
    );

  async function sendOnce(
    url: URL,
    method: string,
    headers: Record<string, string | string[]>,
    body: Body,
    dispatcher: Dispatcher | undefined,
    signal: AbortSignal,
    tenantId: string,
  ) {
    let release: Release | undefined;
    try {
      release = await deps.outbound.acquire(tenantId, url.origin, signal);
    } catch (err) {
      if (signal.aborted) throw err;
      throw upstreamError(err, url, deps.timeoutMs);
    }
    const end = deps.metrics.proxyUpstreamLatency.startTimer();
    try {
      const h = { ...headers };
      if (body.kind === 'buffer') h['content-length'] = String(body.bytes.length);
      else if (body.kind === 'stream' && body.length !== undefined)
        h['content-length'] = body.length;
      const res = await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: h,
        body: body.kind === 'none' ? undefined : body.kind === 'buffer' ? body.bytes : body.stream,
        dispatcher,
        headersTimeout: deps.timeoutMs,
        bodyTimeout: deps.timeoutMs,
        signal,
      });
      if (res.body.closed) release();
      else res.body.once('close', release);
      return res;
    } catch (err) {
      release();
      // An aborted exchange is answered by `exchange`, which knows why it was aborted.
      if (signal.aborted) throw err;
      throw upstreamError(err, url, deps.timeoutMs);
    } finally {
      end();
    }
  }

  return send;
}
