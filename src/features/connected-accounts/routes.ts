import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { tenantOf } from '../../http/auth.ts';
import { paginate } from '../../http/pagination.ts';
import { IdParam, Page, problems } from '../../http/schemas.ts';
import { changeOf } from '../audit/context.ts';
import {
  AccountListQuery,
  ConnectedAccount,
  CreateAccountBody,
  CreatedAccount,
  ReconnectBody,
  UpdateAccountBody,
  accountView,
} from './schemas.ts';
import type { ConnectedAccountService } from './service.ts';

const tags = ['connected-accounts'];
const admin = { roles: ['admin' as const] };
const change = { ...admin, audit: 'change' as const };
const params = IdParam('ca');
const one = { 200: ConnectedAccount, ...problems(400, 401, 403, 404, 409) };

const withLink = (
  r: Parameters<typeof accountView>[0],
  link: { url: string; expiresAt: Date } | null,
) => ({
  ...accountView(r),
  redirect_url: link?.url ?? null,
  redirect_url_expires_at: link?.expiresAt.toISOString() ?? null,
});

export const connectedAccountRoutes =
  (svc: ConnectedAccountService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/v1/connected-accounts',
      {
        config: change,
        schema: {
          tags,
          summary:
            'Connect an end user: oauth2_3lo returns the account (INITIATED) and its single-use redirect_url; client_credentials and api_token accounts are verified with the provider first and answer ACTIVE (nothing is stored when the provider refuses)',
          body: CreateAccountBody,
          response: { 201: CreatedAccount, ...problems(400, 401, 403, 409, 502) },
        },
      },
      async (req, reply) => {
        const { account, link } = await svc.create(tenantOf(req), req.body, changeOf(req));
        // redirect_url is a bearer link: no cache keeps it.
        reply.code(201).header('cache-control', 'no-store');
        return withLink(account, link);
      },
    );

    app.get(
      '/v1/connected-accounts',
      {
        config: admin,
        schema: {
          tags,
          querystring: AccountListQuery,
          response: { 200: Page(ConnectedAccount), ...problems(400, 401, 403) },
        },
      },
      async (req) => {
        const { auth_config_id, user_id, status, tags } = req.query;
        const filter = { authConfigId: auth_config_id, userId: user_id, status, tags };
        return paginate(req.query, (page) => svc.list(tenantOf(req), filter, page), accountView);
      },
    );

    app.get(
      '/v1/connected-accounts/:id',
      { config: admin, schema: { tags, params, response: one } },
      async (req) => accountView(await svc.get(tenantOf(req), req.params.id)),
    );

    app.patch(
      '/v1/connected-accounts/:id',
      {
        config: change,
        schema: {
          tags,
          summary:
            'Select the site among the account’s sites, replace its tags, or (api_token accounts) replace the API token in place',
          params,
          body: UpdateAccountBody,
          response: { ...one, ...problems(502) },
        },
      },
      async (req) =>
        accountView(await svc.update(tenantOf(req), req.params.id, req.body, changeOf(req))),
    );

    app.post(
      '/v1/connected-accounts/:id/reconnect',
      {
        config: change,
        schema: {
          tags,
          summary: 'A new connect link for the same account id',
          params,
          body: ReconnectBody,
          response: { 200: CreatedAccount, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (req, reply) => {
        const { account, link } = await svc.reconnect(
          tenantOf(req),
          req.params.id,
          req.body ?? {},
          changeOf(req),
        );
        reply.header('cache-control', 'no-store');
        return withLink(account, link);
      },
    );

    app.post(
      '/v1/connected-accounts/:id/disable',
      { config: change, schema: { tags, params, response: one } },
      async (req) => accountView(await svc.disable(tenantOf(req), req.params.id, changeOf(req))),
    );
    app.post(
      '/v1/connected-accounts/:id/enable',
      { config: change, schema: { tags, params, response: one } },
      async (req) => accountView(await svc.enable(tenantOf(req), req.params.id, changeOf(req))),
    );

    app.delete(
      '/v1/connected-accounts/:id',
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
