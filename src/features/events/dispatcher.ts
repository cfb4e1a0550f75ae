import type { EventRow, EndpointRow, DeliveryRow } from '../../db/schema/index.ts';
import { Webhook } from 'standardwebhooks';
import { request, type Dispatcher } from 'undici';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import * as repo from './repo.ts';
import { endpointSecretField } from './service.ts';

const GIVE_UP_AFTER_MS = 24 * 3600 * 1000;

/** 10 s, 20 s, 40 s … capped at 1 h, ±20%: about 30 attempts over the 24 h window. */
export const retryDelayMs = (attempts: number, random = Math.random) =>
  Math.min(3_600_000, 10_000 * 2 ** Math.min(attempts - 1, 20)) * (0.8 + 0.4 * random());

/**
 * Delivers pending webhook deliveries, signed per the Standard Webhooks spec (webhook-id is the
 * event id, so a receiver can dedupe retries and replays). Any 2xx is delivered; anything else is
 * retried with exponential backoff for 24 h, then marked failed (and can be replayed).
 */
export function createWebhookDispatcher(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  dataKeys: Pick<DataKeyService, 'decrypt'>;
  dispatcher: Dispatcher;
  /** refuses URLs that fail the egress policy (throws) */
  checkUrl: (url: string) => Promise<unknown>;
  timeoutMs: number;
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
    const res = await request(endpoint.url, {
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
      headersTimeout: deps.timeoutMs,
      bodyTimeout: deps.timeoutMs,
    });
    await res.body.dump();
    return res.statusCode;
  }

  async function deliver(
    d: DeliveryRow,
    endpoint: EndpointRow | undefined,
    event: EventRow | undefined,
  ) {
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
          return true;
        }
        error = `HTTP ${status}`;
      } catch (err) {
        error = (err as { code?: string }).code ?? (err as Error).name;
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
    return false;
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
