import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { PAGE_HEADERS, resultPage } from './pages.ts';
import type { FlowResult } from './service.ts';
import type { createConnectFlowService } from './service.ts';

const tags = ['connect'];
const pub = { public: true };

function send(reply: FastifyReply, r: FlowResult) {
  if ('redirect' in r)
    return reply
      .headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
      .redirect(r.redirect, 302);
  return reply.code(r.page.status).headers(PAGE_HEADERS).send(resultPage(r.page.ok, r.page.reason));
}

/** The public routes an end user's browser visits: the connect link and the OAuth callback. */
export const connectRoutes =
  (svc: ReturnType<typeof createConnectFlowService>): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/v1/connect/:token',
      {
        config: pub,
        schema: {
          tags,
          summary: 'Opens a connect link: redirects to the provider’s consent page (single use)',
          params: Type.Object({ token: Type.String({ minLength: 20, maxLength: 2048 }) }),
        },
      },
      async (req, reply) => send(reply, await svc.openLink(req.params.token)),
    );

    app.get(
      '/v1/oauth/callback',
      {
        config: pub,
        schema: {
          tags,
          summary:
            'The OAuth redirect URI registered with the provider (one for every auth config)',
          querystring: Type.Object({
            state: Type.Optional(Type.String({ maxLength: 512 })),
            code: Type.Optional(Type.String({ maxLength: 4096 })),
            error: Type.Optional(Type.String({ maxLength: 256 })),
            error_description: Type.Optional(Type.String({ maxLength: 2048 })),
          }),
        },
      },
      async (req, reply) => send(reply, await svc.callback(req.query)),
    );
  };
