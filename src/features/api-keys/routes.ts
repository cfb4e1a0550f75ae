import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tenantOf } from '../../http/auth.ts';
import { paginate } from '../../http/pagination.ts';
import { IdParam, ListQuery, Page, problems } from '../../http/schemas.ts';
import { changeOf } from '../audit/context.ts';
import type { ApiKeyService } from './service.ts';
import { ApiKey, CreateApiKeyBody, CreatedApiKey, apiKeyView } from './schemas.ts';

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
          body: CreateApiKeyBody,
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
