import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import type { EventType } from '../../db/schema/index.ts';
import type { PageRequest } from '../../http/pagination.ts';
import type { Clock } from '../../lib/clock.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import type { CommitChange } from '../audit/commit.ts';
import type { ChangeContext } from '../audit/context.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import { tenantUrl, type TenantUrlPolicy } from '../../lib/tenant-urls.ts';
import * as repo from './repo.ts';

export const endpointSecretField = (tenantId: string, id: string) =>
  ({ tenantId, field: 'webhook_secret', rowId: id }) as const;

/** A replay of an event that was delivered nowhere (409). */
export const EVENT_HAS_NO_DELIVERIES = 'event_has_no_deliveries';

/** Webhook endpoints (secret shown once), the event log, and replay. */
export function createEventService(deps: {
  db: Db;
  clock: Clock;
  /** an admin change and its audit row, in one transaction */
  commitChange: CommitChange;
  dataKeys: Pick<DataKeyService, 'encrypt'>;
  /** refuses URLs that fail the egress policy (throws a 4xx AppError) */
  checkUrl: (url: string) => Promise<unknown>;
  urlPolicy: TenantUrlPolicy;
}) {
  const { db, clock } = deps;

  async function createEndpoint(
    tenantId: string,
    input: { url: string; event_types?: EventType[] },
    change: ChangeContext,
  ) {
    // The URL is resolved (DNS) and the secret sealed before the transaction opens.
    const url = tenantUrl('body.url', input.url, deps.urlPolicy);
    // Credentials in the URL would travel with every delivery and show wherever the URL is shown.
    if (url.username || url.password) {
      throw badRequest(
        'invalid_request',
        'body.url must not carry user info (user:password@); authenticate deliveries by their signature',
        { field: 'body.url' },
      );
    }
    await deps.checkUrl(input.url);
    const now = clock.now();
    const id = newId('we', now);
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const secretEnc = await deps.dataKeys.encrypt(endpointSecretField(tenantId, id), secret);
    const row = await deps.commitChange(
      change,
      ({ tx }) =>
        repo.insertEndpoint(tx, {
          id,
          tenantId,
          url: input.url,
          secretEnc,
          eventTypes: [...new Set(input.event_types ?? [])],
          createdAt: now,
          updatedAt: now,
        }),
      (r) => r.id,
    );
    return { row, secret };
  }

  async function getEndpoint(tenantId: string, id: string) {
    const row = await repo.getEndpoint(db, tenantId, id);
    if (!row) throw notFound('webhook_endpoint', id);
    return row;
  }

  const listEndpoints = (tenantId: string, page: PageRequest) =>
    repo.listEndpoints(db, tenantId, page.limit, page.cursor);

  const deleteEndpoint = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async ({ tx }) => {
      if (!(await repo.deleteEndpoint(tx, tenantId, id))) throw notFound('webhook_endpoint', id);
    });

  /** Newest first, each with its deliveries. */
  async function listEvents(
    tenantId: string,
    f: { type?: string; accountId?: string },
    page: PageRequest,
  ) {
    const rows = await repo.listEvents(db, tenantId, f, page.limit, page.cursor);
    const deliveries = await repo.deliveriesOf(
      db,
      tenantId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({ ...r, deliveries: deliveries.filter((d) => d.eventId === r.id) }));
  }

  /**
   * Queues the event's deliveries again; the dispatcher sends them (never inside this change). An
   * event no endpoint received (none was subscribed when it happened) has nothing to send again:
   * a 409 says so, rather than a 200 that does nothing.
   */
  const replay = (tenantId: string, id: string, change: ChangeContext) =>
    deps.commitChange(change, async ({ tx }) => {
      const event = await repo.getEvent(tx, tenantId, id);
      if (!event) throw notFound('event', id);
      if ((await repo.deliveriesOf(tx, tenantId, [id])).length === 0)
        throw conflict(
          EVENT_HAS_NO_DELIVERIES,
          `event ${id} had no webhook endpoint subscribed to ${event.type} when it happened, so there is nothing to deliver again; ` +
            'replay re-sends an event to the endpoints it was sent to (events after an endpoint is created reach it)',
        );
      await repo.requeueEvent(tx, tenantId, id, clock.now());
      return { event, deliveries: await repo.deliveriesOf(tx, tenantId, [id]) };
    });

  return { createEndpoint, getEndpoint, listEndpoints, deleteEndpoint, listEvents, replay };
}

export type EventService = ReturnType<typeof createEventService>;
