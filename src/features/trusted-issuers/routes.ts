import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { tenantOf } from '../../http/auth.ts';
import { paginate } from '../../http/pagination.ts';
import { IdParam, Page, problems } from '../../http/schemas.ts';
import { changeOf } from '../audit/context.ts';
import {
  CreateTrustedIssuerBody,
  TrustedIssuer,
  TrustedIssuerListQuery,
  UpdateTrustedIssuerBody,
  trustedIssuerView,
} from './schemas.ts';
import type { TrustedIssuerService } from './service.ts';

const tags = ['trusted-issuers'];
const admin = { roles: ['admin' as const] };
const change = { ...admin, audit: 'change' as const };
const params = IdParam('ti');

/** The identity providers whose tokens a token exchange accepts (tenant admins). */
export const trustedIssuerRoutes =
  (svc: TrustedIssuerService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/v1/trusted-issuers',
      {
        config: change,
        schema: {
          tags,
          summary: 'Trust an identity provider’s tokens (user or workload) for token exchange',
          body: CreateTrustedIssuerBody,
          response: { 201: TrustedIssuer, ...problems(400, 401, 403, 409) },
        },
      },
      async (req, reply) => {
        const row = await svc.create(tenantOf(req), req.body, changeOf(req));
        reply.code(201);
        return trustedIssuerView(row);
      },
    );

    app.get(
      '/v1/trusted-issuers',
      {
        config: admin,
        schema: {
          tags,
          querystring: TrustedIssuerListQuery,
          response: { 200: Page(TrustedIssuer), ...problems(400, 401, 403) },
        },
      },
      async (req) =>
        paginate(
          req.query,
          (page) => svc.list(tenantOf(req), req.query.kind, page),
          trustedIssuerView,
        ),
    );

    app.get(
      '/v1/trusted-issuers/:id',
      {
        config: admin,
        schema: { tags, params, response: { 200: TrustedIssuer, ...problems(400, 401, 403, 404) } },
      },
      async (req) => trustedIssuerView(await svc.get(tenantOf(req), req.params.id)),
    );

    app.patch(
      '/v1/trusted-issuers/:id',
      {
        config: change,
        schema: {
          tags,
          summary:
            'Change an issuer (status disabled stops its exchanges and proxy tokens within a second)',
          params,
          body: UpdateTrustedIssuerBody,
          response: { 200: TrustedIssuer, ...problems(400, 401, 403, 404) },
        },
      },
      async (req) =>
        trustedIssuerView(await svc.update(tenantOf(req), req.params.id, req.body, changeOf(req))),
    );

    app.delete(
      '/v1/trusted-issuers/:id',
      {
        config: change,
        schema: {
          tags,
          summary: 'Stop trusting an issuer: its exchanges and proxy tokens stop within a second',
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
