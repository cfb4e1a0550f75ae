import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { paginate } from '../../http/pagination.ts';
import { IdParam, ListQuery, Page, problems } from '../../http/schemas.ts';
import { notFound } from '../../lib/errors.ts';
import { changeOf } from '../audit/context.ts';
import { ApiKey, CreatedApiKey, Name, apiKeyView } from './schemas.ts';
import type { ApiKeyService } from './service.ts';

const tags = ['operator-keys'];
const operator = { roles: ['operator' as const] };
const change = { ...operator, audit: 'change' as const };

/** Operator keys manage each other: list, create another, revoke (also `keys revoke`). */
export const operatorKeyRoutes =
  (svc: ApiKeyService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/v1/operator-keys',
      {
        config: operator,
        schema: {
          tags,
          querystring: ListQuery(),
          response: { 200: Page(ApiKey), ...problems(400, 401, 403) },
        },
      },
      async (req) => paginate(req.query, svc.listOperatorKeys, apiKeyView),
    );

    app.post(
      '/v1/operator-keys',
      {
        config: change,
        schema: {
          tags,
          summary: 'Create another operator key (the secret is returned once)',
          body: Type.Object({ name: Name }, { additionalProperties: false }),
          response: { 201: CreatedApiKey, ...problems(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const { row, token } = await svc.createKey(
          { tenantId: null, role: 'operator', name: req.body.name },
          changeOf(req),
        );
        reply.code(201).header('cache-control', 'no-store');
        return { ...apiKeyView(row), key: token };
      },
    );

    app.delete(
      '/v1/operator-keys/:id',
      {
        config: change,
        schema: {
          tags,
          summary: 'Revoke an operator key (it stops working at once; the record stays)',
          params: IdParam('key'),
          response: { 200: ApiKey, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) => {
        const row = await svc.getOperatorKey(req.params.id);
        if (!row) throw notFound('api_key', req.params.id);
        return apiKeyView(await svc.revokeAnyKey(row.id, changeOf(req)));
      },
    );
  };
