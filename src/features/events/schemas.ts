import type { EventRow, EndpointRow, DeliveryRow } from '../../db/schema/index.ts';
import { Type } from 'typebox';
import { ListQuery, Timestamp } from '../../http/schemas.ts';
import { EVENT_TYPES } from '../../db/schema/index.ts';

const EventTypeSchema = Type.Union(
  EVENT_TYPES.map((t) => Type.Literal(t)) as [
    ReturnType<typeof Type.Literal<'connected_account.active'>>,
  ],
);

export const CreateEndpointBody = Type.Object(
  {
    url: Type.String({ maxLength: 2048, pattern: '^https?://[^\\s#]+$' }),
    event_types: Type.Optional(
      Type.Array(EventTypeSchema, { maxItems: EVENT_TYPES.length, uniqueItems: true }),
    ),
  },
  { additionalProperties: false },
);

export const Endpoint = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    event_types: Type.Array(Type.String()),
    status: Type.String(),
    created_at: Timestamp,
  },
  { additionalProperties: false },
);
export const CreatedEndpoint = Type.Object(
  {
    ...Endpoint.properties,
    secret: Type.String({ description: 'Standard Webhooks signing secret (whsec_…); shown once' }),
  },
  { additionalProperties: false },
);

const Delivery = Type.Object(
  {
    endpoint_id: Type.String(),
    status: Type.String(),
    attempts: Type.Integer(),
    last_status: Type.Union([Type.Integer(), Type.Null()]),
    last_error: Type.Union([Type.String(), Type.Null()]),
    next_attempt_at: Timestamp,
    delivered_at: Type.Union([Timestamp, Type.Null()]),
  },
  { additionalProperties: false },
);

export const Event = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    connected_account_id: Type.Union([Type.String(), Type.Null()]),
    data: Type.Record(Type.String(), Type.Unknown()),
    created_at: Timestamp,
    deliveries: Type.Array(Delivery),
  },
  { additionalProperties: false },
);

export const EventListQuery = ListQuery({
  type: Type.Optional(EventTypeSchema),
  connected_account_id: Type.Optional(Type.String({ maxLength: 64 })),
});

export const endpointView = (r: EndpointRow) => ({
  id: r.id,
  url: r.url,
  event_types: r.eventTypes,
  status: r.status,
  created_at: r.createdAt.toISOString(),
});

export const eventView = (deliveries: DeliveryRow[]) => (e: EventRow) => ({
  id: e.id,
  type: e.type,
  connected_account_id: e.connectedAccountId,
  data: e.data,
  created_at: e.createdAt.toISOString(),
  deliveries: deliveries
    .filter((d) => d.eventId === e.id)
    .map((d) => ({
      endpoint_id: d.endpointId,
      status: d.status,
      attempts: d.attempts,
      last_status: d.lastStatus,
      last_error: d.lastError,
      next_attempt_at: d.nextAttemptAt.toISOString(),
      delivered_at: d.deliveredAt?.toISOString() ?? null,
    })),
});
