import cookie from '@fastify/cookie';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ID_PATTERN } from '../../lib/ids.ts';
import { PAGE_HEADERS, resultPage } from './pages.ts';
import type { BrowserRequest, ConnectFlowService, FlowResult } from './service.ts';

const tags = ['connect'];
const pub = { public: true };

const browser = (req: FastifyRequest): BrowserRequest => ({
  method: req.method,
  userAgent: req.headers['user-agent'],
  cookies: req.cookies,
});

/** The public routes an end user's browser visits: the connect link and the OAuth callbacks. */
export const connectRoutes =
  (svc: ConnectFlowService, opts: { secureCookies: boolean }): FastifyPluginAsyncTypebox =>
  async (app) => {
    // Cookies only matter to the browser routes: parsed here, not on every API request.
    await app.register(cookie);
    function send(reply: FastifyReply, r: FlowResult) {
      for (const c of r.cookies ?? []) {
        reply.setCookie(c.name, c.value, {
          path: c.path,
          maxAge: c.maxAgeSeconds,
          httpOnly: true,
          sameSite: 'lax',
          secure: opts.secureCookies,
        });
      }
      if (r.redirect)
        return reply
          .headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
          .redirect(r.redirect, 302);
      const p = r.page ?? { ok: false, status: 500 };
      return reply.code(p.status).headers(PAGE_HEADERS).send(resultPage(p.ok, p.reason));
    }

    app.get(
      '/v1/connect/:token',
      {
        config: pub,
        schema: {
          tags,
          summary:
            'Opens a connect link: redirects to the provider’s consent page (single use; HEAD and link previewers do not use it up; the same browser may reopen it until the flow completes)',
          params: Type.Object({ token: Type.String({ minLength: 20, maxLength: 2048 }) }),
        },
      },
      async (req, reply) => send(reply, await svc.openLink(req.params.token, browser(req))),
    );

    app.get(
      '/v1/oauth/callback/:auth_config_id',
      {
        config: pub,
        schema: {
          tags,
          summary:
            'The OAuth redirect URI of one auth config (its callback_url); accepts only sessions of that config, from the browser that opened the link',
          params: Type.Object({ auth_config_id: Type.String({ pattern: ID_PATTERN('ac') }) }),
          querystring: Type.Object({
            state: Type.Optional(Type.String({ maxLength: 512 })),
            code: Type.Optional(Type.String({ maxLength: 4096 })),
            error: Type.Optional(Type.String({ maxLength: 256 })),
            error_description: Type.Optional(Type.String({ maxLength: 2048 })),
            iss: Type.Optional(Type.String({ maxLength: 2048 })),
          }),
        },
      },
      async (req, reply) =>
        send(reply, await svc.callback(req.params.auth_config_id, req.query, browser(req))),
    );

    // The shared callback of earlier versions: a grant arriving here is refused, saying why.
    app.get(
      '/v1/oauth/callback',
      {
        config: pub,
        schema: {
          tags,
          summary:
            'Retired shared callback: every auth config now has its own (callback_url); nothing is processed here',
        },
      },
      async (_req, reply) =>
        send(reply, { page: { ok: false, reason: 'callback_moved', status: 410 } }),
    );
  };
