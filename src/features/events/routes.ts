import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { tenantOf } from '../../http/auth.ts';
import { paginate } from '../../http/pagination.ts';
import { IdParam, ListQuery, Page, problems } from '../../http/schemas.ts';
import { changeOf } from '../audit/context.ts';
import {
  CreateEndpointBody,
  CreatedEndpoint,
  Endpoint,
  Event,
  EventListQuery,
  endpointView,
  eventView,
} from './schemas.ts';
import type { EventService } from './service.ts';

const admin = { roles: ['admin' as const] };
const change = { ...admin, audit: 'change' as const };

export const eventRoutes =
  (svc: EventService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['webhooks'];
    app.post(
      '/v1/webhook-endpoints',
      {
        config: change,
        schema: {
          tags,
          summary: 'Register a webhook endpoint (its signing secret is returned once)',
          body: CreateEndpointBody,
          response: { 201: CreatedEndpoint, ...problems(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const { row, secret } = await svc.createEndpoint(tenantOf(req), req.body, changeOf(req));
        reply.code(201).header('cache-control', 'no-store');
        return { ...endpointView(row), secret };
      },
    );
    app.get(
      '/v1/webhook-endpoints',
      {
        config: admin,
        schema: {
          tags,
          querystring: ListQuery(),
          response: { 200: Page(Endpoint), ...problems(400, 401, 403) },
        },
      },
      async (req) =>
        paginate(req.query, (page) => svc.listEndpoints(tenantOf(req), page), endpointView),
    );
    app.get(
      '/v1/webhook-endpoints/:id',
      {
        config: admin,
        schema: {
          tags,
          params: IdParam('we'),
          response: { 200: Endpoint, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => endpointView(await svc.getEndpoint(tenantOf(req), req.params.id)),
    );
    app.delete(
      '/v1/webhook-endpoints/:id',
      {
        config: change,
        schema: {
          tags,
          params: IdParam('we'),
          response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await svc.deleteEndpoint(tenantOf(req), req.params.id, changeOf(req));
        reply.code(204);
        return null;
      },
    );

    app.get(
      '/v1/events',
      {
        config: admin,
        schema: {
          tags: ['events'],
          summary: 'Lifecycle events, newest first, with their deliveries',
          querystring: EventListQuery,
          response: { 200: Page(Event), ...problems(400, 401, 403) },
        },
      },
      async (req) => {
        const { type, connected_account_id } = req.query;
        const filter = { type, accountId: connected_account_id };
        return paginate(
          req.query,
          (page) => svc.listEvents(tenantOf(req), filter, page),
          (r) => eventView(r.deliveries)(r),
        );
      },
    );
    app.post(
      '/v1/events/:id/replay',
      {
        config: change,
        schema: {
          tags: ['events'],
          summary:
            'Deliver an event again to the endpoints it was sent to (409 event_has_no_deliveries when there were none)',
          params: IdParam('ev'),
          response: { 200: Event, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) => {
        const { event, deliveries } = await svc.replay(tenantOf(req), req.params.id, changeOf(req));
        return eventView(deliveries)(event);
      },
    );
  };
