import type { TenantRow } from '../../db/schema/index.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { paginate } from '../../http/pagination.ts';
import { IdParam, ListQuery, Page, Timestamp, problems } from '../../http/schemas.ts';
import { changeOf } from '../audit/context.ts';
import { CreateApiKeyBody, CreatedApiKey, Name, apiKeyView } from '../api-keys/schemas.ts';
import type { TenantService } from './service.ts';

const tags = ['tenants'];
const operator = { roles: ['operator' as const] };
const change = { ...operator, audit: 'change' as const };

const Tenant = Type.Object(
  { id: Type.String(), name: Type.String(), status: Type.String(), created_at: Timestamp },
  { additionalProperties: false },
);
const tenantView = (t: TenantRow) => ({
  id: t.id,
  name: t.name,
  status: t.status,
  created_at: t.createdAt.toISOString(),
});

export const tenantRoutes =
  (svc: TenantService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/v1/tenants',
      {
        config: change,
        schema: {
          tags,
          summary: 'Create a tenant (operator keys)',
          body: Type.Object({ name: Name }, { additionalProperties: false }),
          response: { 201: Tenant, ...problems(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const body = tenantView(await svc.createTenant(req.body.name, changeOf(req)));
        reply.code(201);
        return body;
      },
    );

    app.get(
      '/v1/tenants',
      {
        config: operator,
        schema: {
          tags,
          querystring: ListQuery(),
          response: { 200: Page(Tenant), ...problems(400, 401, 403) },
        },
      },
      async (req) => paginate(req.query, svc.listTenants, tenantView),
    );

    app.get(
      '/v1/tenants/:id',
      {
        config: operator,
        schema: {
          tags,
          params: IdParam('tn'),
          response: { 200: Tenant, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => tenantView(await svc.getTenant(req.params.id)),
    );

    app.delete(
      '/v1/tenants/:id',
      {
        config: change,
        schema: {
          tags,
          summary: 'Delete a tenant and everything it owns; its data keys are destroyed first',
          params: IdParam('tn'),
          response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await svc.deleteTenant(req.params.id, changeOf(req));
        reply.code(204);
        return null;
      },
    );

    app.post(
      '/v1/tenants/:id/api-keys',
      {
        config: change,
        schema: {
          tags,
          summary: 'Create an API key for a tenant (operator keys); the secret is returned once',
          params: IdParam('tn'),
          body: CreateApiKeyBody,
          response: { 201: CreatedApiKey, ...problems(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const { row, token } = await svc.createTenantKey(
          req.params.id,
          req.body.role,
          req.body.name,
          req.body.auth_config_ids,
          changeOf(req),
        );
        reply.code(201).header('cache-control', 'no-store');
        return { ...apiKeyView(row), key: token };
      },
    );
  };
