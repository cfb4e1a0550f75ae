import type { AuthConfigRow } from '../../db/schema/index.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { tenantOf } from '../../http/auth.ts';
import { paginate } from '../../http/pagination.ts';
import { IdParam, Page, problems } from '../../http/schemas.ts';
import { PROVIDER_CONFIG_FIELDS } from '../../providers/index.ts';
import { changeOf } from '../audit/context.ts';
import {
  AuthConfig,
  AuthConfigListQuery,
  CreateAuthConfigBody,
  UpdateAuthConfigBody,
} from './schemas.ts';
import type { AuthConfigService } from './service.ts';

const tags = ['auth-configs'];
const admin = { roles: ['admin' as const] };
const change = { ...admin, audit: 'change' as const };
const params = IdParam('ac');

export const authConfigView = (callbackUrl: (id: string) => string) => (r: AuthConfigRow) => ({
  id: r.id,
  name: r.name,
  provider: r.provider,
  auth_scheme: r.authScheme,
  client_id: r.clientId,
  client_secret: {
    set: r.clientSecretEnc !== null,
    last4: r.clientSecretLast4,
    updated_at: r.clientSecretUpdatedAt.toISOString(),
    previous:
      r.previousClientSecretEnc && r.previousClientSecretExpiresAt
        ? {
            last4: r.previousClientSecretLast4,
            expires_at: r.previousClientSecretExpiresAt.toISOString(),
          }
        : null,
    working: (r.clientSecretWorking as 'current' | 'previous' | null) ?? null,
  },
  scopes: r.scopes,
  status: r.status,
  allowed_return_urls: r.allowedReturnUrls,
  refresh_policy: r.refreshPolicy,
  refresh_paused_until: r.refreshPausedUntil?.toISOString() ?? null,
  callback_url: callbackUrl(r.id),
  // Each provider's own field: the config's settings under its provider's, null elsewhere.
  ...Object.fromEntries(
    PROVIDER_CONFIG_FIELDS.map((f) => [
      f.field,
      f.provider === r.provider && r.settings ? f.present(r.settings) : null,
    ]),
  ),
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
});

export const authConfigRoutes =
  (svc: AuthConfigService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const view = authConfigView(svc.callbackUrl);
    const one = { 200: AuthConfig, ...problems(400, 401, 403, 404) };

    app.post(
      '/v1/auth-configs',
      {
        config: change,
        schema: {
          tags,
          summary: 'Register an OAuth app (Atlassian 3LO or generic OAuth 2.0)',
          body: CreateAuthConfigBody,
          response: { 201: AuthConfig, ...problems(400, 401, 403) },
        },
      },
      async (req, reply) => {
        const body = view(await svc.create(tenantOf(req), req.body, changeOf(req)));
        reply.code(201);
        return body;
      },
    );

    app.get(
      '/v1/auth-configs',
      {
        config: admin,
        schema: {
          tags,
          querystring: AuthConfigListQuery,
          response: { 200: Page(AuthConfig), ...problems(400, 401, 403) },
        },
      },
      async (req) => {
        const { status, provider, auth_scheme: authScheme } = req.query;
        return paginate(
          req.query,
          (page) => svc.list(tenantOf(req), { status, provider, authScheme }, page),
          view,
        );
      },
    );

    app.get(
      '/v1/auth-configs/:id',
      { config: admin, schema: { tags, params, response: one } },
      async (req) => view(await svc.get(tenantOf(req), req.params.id)),
    );

    app.patch(
      '/v1/auth-configs/:id',
      {
        config: change,
        schema: {
          tags,
          summary: 'Update an auth config; sending client_secret rotates it',
          params,
          body: UpdateAuthConfigBody,
          response: one,
        },
      },
      async (req) => view(await svc.update(tenantOf(req), req.params.id, req.body, changeOf(req))),
    );

    for (const [action, status] of [
      ['disable', 'disabled'],
      ['enable', 'enabled'],
    ] as const) {
      app.post(
        `/v1/auth-configs/:id/${action}`,
        {
          config: change,
          schema: {
            tags,
            summary: `${action[0]!.toUpperCase()}${action.slice(1)} an auth config`,
            params,
            response: one,
          },
        },
        async (req) =>
          view(await svc.setStatus(tenantOf(req), req.params.id, status, changeOf(req))),
      );
    }

    app.delete(
      '/v1/auth-configs/:id',
      {
        config: change,
        schema: {
          tags,
          params,
          response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await svc.remove(tenantOf(req), req.params.id, changeOf(req));
        reply.code(204);
        return null;
      },
    );
  };
