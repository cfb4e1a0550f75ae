import type { EventRow, EndpointRow, DeliveryRow } from '../../db/schema/index.ts';
import { Webhook } from 'standardwebhooks';
import type { Dispatcher } from 'undici';
import type { Db } from '../../db/client.ts';
import { backoff } from '../../lib/backoff.ts';
import { boundedRequest } from '../../lib/bounded-read.ts';
import type { Clock } from '../../lib/clock.ts';
import { findEgressDenied } from '../../lib/egress.ts';
import type { Logger } from '../../lib/logger.ts';
import { traced, type SpanNote } from '../../lib/tracing.ts';
import { OutboundBusyError, type OutboundLimiter } from '../../lib/outbound-limiter.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import * as repo from './repo.ts';
import { endpointSecretField } from './service.ts';

const GIVE_UP_AFTER_MS = 24 * 3600 * 1000;

/** A delivery that found no free outbound slot tries again this soon, without counting an attempt. */
const BUSY_DELAY_MS = 10_000;

/** 10 s, 20 s, 40 s … capped at 1 h, ±20%: about 30 attempts over the 24 h window. */
export const retryDelayMs = (attempts: number, random = Math.random) =>
  backoff(attempts, { base: 10_000, cap: 3_600_000, jitter: 'spread' }, random);

/**
 * Delivers pending webhook deliveries, signed per the Standard Webhooks spec (webhook-id is the
 * event id, so a receiver can dedupe retries and replays). Any 2xx is delivered; anything else is
 * retried with exponential backoff for 24 h, then marked failed (and can be replayed). Each delivery
 * takes an outbound slot of its tenant and the receiver's origin, and the receiver's answer is
 * drained within the same byte cap and overall deadline as a provider's.
 */
export function createWebhookDispatcher(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  dataKeys: Pick<DataKeyService, 'decrypt'>;
  dispatcher: Dispatcher;
  /** refuses URLs that fail the egress policy (throws) */
  checkUrl: (url: string) => Promise<unknown>;
  /** the whole delivery: connect, headers and the drained answer */
  timeoutMs: number;
  maxResponseBytes: number;
  outbound: Pick<OutboundLimiter, 'run'>;
  batchSize?: number;
}) {
  const { db, clock, logger } = deps;

  async function send(d: DeliveryRow, endpoint: EndpointRow, event: EventRow) {
    const secret = await deps.dataKeys.decrypt(
      endpointSecretField(endpoint.tenantId, endpoint.id),
      endpoint.secretEnc,
    );
    const payload = JSON.stringify({
      type: event.type,
      timestamp: event.createdAt.toISOString(),
      data: { id: event.id, ...event.data },
    });
    // The signature's timestamp is the wall-clock send time: receivers check it against their own
    // clocks to refuse replays, so it must not follow an injected (test) clock.
    const now = new Date();
    const signature = new Webhook(secret).sign(event.id, now, payload);
    await deps.checkUrl(endpoint.url);
    const url = new URL(endpoint.url);
    const res = await deps.outbound.run(endpoint.tenantId, url.origin, () =>
      boundedRequest({
        url,
        method: 'POST',
        dispatcher: deps.dispatcher,
        headers: {
          'content-type': 'application/json',
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signature,
          'user-agent': 'credential-vault-webhooks/1',
        },
        body: payload,
        timeoutMs: deps.timeoutMs,
        maxBytes: deps.maxResponseBytes,
      }),
    );
    return res.status;
  }

  /** One delivery's span: `delivered`, or `retry`/`failed` with the receiver's status or error. */
  const deliver = (
    d: DeliveryRow,
    endpoint: EndpointRow | undefined,
    event: EventRow | undefined,
  ) =>
    traced(
      'webhook.deliver',
      {
        'cv.tenant_id': d.tenantId,
        'cv.webhook_endpoint_id': d.endpointId,
        'cv.event_id': d.eventId,
        'cv.event_type': event?.type,
        'cv.attempt': d.attempts + 1,
      },
      (note) => deliverTraced(d, endpoint, event, note),
      (r) => r.outcome,
    ).then((r) => r.outcome === 'delivered');

  async function deliverTraced(
    d: DeliveryRow,
    endpoint: EndpointRow | undefined,
    event: EventRow | undefined,
    note: SpanNote,
  ): Promise<{ outcome: string }> {
    const now = clock.now();
    const attempts = d.attempts + 1;
    let status: number | null = null;
    let error: string | null = null;
    if (!endpoint || !event) error = 'endpoint or event gone';
    else {
      try {
        status = await send(d, endpoint, event);
        if (status >= 200 && status < 300) {
          await repo.updateDelivery(db, d.tenantId, d.id, {
            status: 'delivered',
            attempts,
            lastStatus: status,
            lastError: null,
            deliveredAt: now,
            updatedAt: now,
          });
          note.set({ 'http.response.status_code': status });
          return { outcome: 'delivered' };
        }
        error = `HTTP ${status}`;
      } catch (err) {
        if (err instanceof OutboundBusyError) {
          // Our own congestion, not the receiver's failure: no attempt is counted.
          await repo.updateDelivery(db, d.tenantId, d.id, {
            lastError: err.code,
            nextAttemptAt: new Date(now.getTime() + BUSY_DELAY_MS * (0.8 + 0.4 * Math.random())),
            updatedAt: now,
          });
          return { outcome: err.code };
        }
        error =
          findEgressDenied(err)?.code ?? (err as { code?: string }).code ?? (err as Error).name;
      }
    }
    const giveUp = !endpoint || !event || now.getTime() - d.createdAt.getTime() > GIVE_UP_AFTER_MS;
    await repo.updateDelivery(db, d.tenantId, d.id, {
      status: giveUp ? 'failed' : 'pending',
      attempts,
      lastStatus: status,
      lastError: error,
      nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)),
      updatedAt: now,
    });
    note.set({ 'http.response.status_code': status ?? undefined, 'error.type': error });
    return { outcome: giveUp ? 'failed' : 'retry' };
  }

  async function tick(): Promise<{ delivered: number; failed: number }> {
    const now = clock.now();
    const due = await db.transaction((tx) =>
      repo.claimDueDeliveries(tx, now, new Date(now.getTime() + 60_000), deps.batchSize ?? 100),
    );
    if (!due.length) return { delivered: 0, failed: 0 };
    // Endpoints and events are read per tenant (tenant scoping is structural, even here).
    const ep = new Map<string, EndpointRow>();
    const ev = new Map<string, EventRow>();
    for (const tenantId of new Set(due.map((d) => d.tenantId))) {
      const mine = due.filter((d) => d.tenantId === tenantId);
      const [endpoints, events] = await Promise.all([
        repo.endpointsByIds(db, tenantId, [...new Set(mine.map((d) => d.endpointId))]),
        repo.eventsByIds(db, tenantId, [...new Set(mine.map((d) => d.eventId))]),
      ]);
      for (const e of endpoints) ep.set(e.id, e);
      for (const e of events) ev.set(e.id, e);
    }
    const results = await Promise.all(
      due.map((d) => deliver(d, ep.get(d.endpointId), ev.get(d.eventId))),
    );
    const delivered = results.filter(Boolean).length;
    logger.debug({ delivered, failed: results.length - delivered }, 'webhook tick');
    return { delivered, failed: results.length - delivered };
  }

  return { tick };
}

export type WebhookDispatcher = ReturnType<typeof createWebhookDispatcher>;
