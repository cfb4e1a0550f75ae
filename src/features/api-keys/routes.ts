import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tenantOf } from '../../http/auth.ts';
import { paginate } from '../../http/pagination.ts';
import { IdParam, ListQuery, Page, problems } from '../../http/schemas.ts';
import { changeOf } from '../audit/context.ts';
import type { ApiKeyService } from './service.ts';
import {
  ApiKey,
  CreateTenantApiKeyBody,
  CreatedApiKey,
  UpdateApiKeyBody,
  apiKeyView,
} from './schemas.ts';

const tags = ['api-keys'];
const admin = { roles: ['admin' as const] };
const change = { ...admin, audit: 'change' as const };

export const apiKeyRoutes =
  (svc: ApiKeyService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/v1/api-keys',
      {
        config: change,
        schema: {
          tags,
          summary: 'Create an API key in the caller’s tenant (the secret is returned once)',
          body: CreateTenantApiKeyBody,
          response: { 201: CreatedApiKey, ...problems(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const { row, token } = await svc.createKey(
          {
            tenantId: tenantOf(req),
            role: req.body.role,
            name: req.body.name,
            authConfigIds: req.body.auth_config_ids ?? null,
            policy: req.body.policy ?? null,
          },
          changeOf(req),
        );
        reply.code(201).header('cache-control', 'no-store');
        return { ...apiKeyView(row), key: token };
      },
    );

    app.get(
      '/v1/api-keys',
      {
        config: admin,
        schema: {
          tags,
          querystring: ListQuery(),
          response: { 200: Page(ApiKey), ...problems(400, 401, 403) },
        },
      },
      async (req) => paginate(req.query, (page) => svc.listKeys(tenantOf(req), page), apiKeyView),
    );

    app.get(
      '/v1/api-keys/:id',
      {
        config: admin,
        schema: {
          tags,
          params: IdParam('key'),
          response: { 200: ApiKey, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => apiKeyView(await svc.getKey(tenantOf(req), req.params.id)),
    );

    app.patch(
      '/v1/api-keys/:id',
      {
        config: change,
        schema: {
          tags,
          summary:
            'Rename a key or set a service key’s policy (every replica honours it within a second)',
          params: IdParam('key'),
          body: UpdateApiKeyBody,
          response: { 200: ApiKey, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req) =>
        apiKeyView(
          await svc.updateKey(
            tenantOf(req),
            req.params.id,
            { name: req.body.name, policy: req.body.policy },
            changeOf(req),
          ),
        ),
    );

    app.delete(
      '/v1/api-keys/:id',
      {
        config: change,
        schema: {
          tags,
          summary: 'Revoke an API key (it stops working at once; the record stays)',
          params: IdParam('key'),
          response: { 200: ApiKey, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => apiKeyView(await svc.revokeKey(tenantOf(req), req.params.id, changeOf(req))),
    );
  };
