import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../lib/errors.ts';
import type { Principal, Role } from '../lib/principal.ts';
import type { Limiter } from './rate-limit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** roles allowed on this route; routes under /v1 must set this or `public` */
    roles?: Role[];
    public?: boolean;
  }
}

/**
 * API-key authentication, default-deny: every /v1 route must declare `config.roles` or
 * `config.public`, checked when routes are registered, so a forgotten declaration fails at boot.
 */
export function registerAuth(
  app: FastifyInstance,
  keys: {
    /** the principal from the verification cache; undefined when it must be looked up */
    cached(token: string): Principal | null | undefined;
    authenticate(token: string): Promise<Principal | null>;
  },
  failures: Pick<Limiter, 'checkFailures' | 'failed'>,
): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    const cfg = route.config as { roles?: Role[]; public?: boolean } | undefined;
    if (route.url.startsWith('/v1/') && !cfg?.public && !cfg?.roles?.length) {
      throw new Error(`route ${route.method} ${route.url} declares neither roles nor public`);
    }
    // The OpenAPI document's security and roles follow from the declaration, never by hand.
    if (cfg?.roles?.length) {
      route.schema ??= {};
      Object.assign(route.schema, { security: [{ apiKey: [] }], 'x-roles': [...cfg.roles] });
    }
  });
  // Callback-style: a key verified from the cache costs no promise; a lookup completes later.
  app.addHook('onRequest', (req, _reply, done) => {
    const roles = req.routeOptions.config.roles;
    if (!roles) return done();
    const finish = (principal: Principal | null) => {
      if (!principal) {
        failures.failed(req.ip);
        return done(m ? unauthorized('The API key is invalid or revoked') : unauthorized());
      }
      if (!roles.includes(principal.role)) {
        return done(
          forbidden(
            `this route needs a key with role ${roles.join(' or ')}; this key is ${principal.role}`,
          ),
        );
      }
      req.principal = principal;
      done();
    };
    // A source that keeps failing is refused before its key costs a lookup.
    try {
      failures.checkFailures(req.ip);
    } catch (err) {
      return done(err as Error);
    }
    const header = req.headers.authorization;
    const m = header ? /^Bearer ([\x21-\x7e]{10,200})$/.exec(header) : null;
    if (!m?.[1]) return finish(null);
    const cached = keys.cached(m[1]);
    if (cached !== undefined) return finish(cached);
    keys.authenticate(m[1]).then(finish, done);
  });
}

/** The tenant of the calling key; operator keys hold none and so cannot reach tenant resources. */
export function tenantOf(req: FastifyRequest): string {
  const t = req.principal?.tenantId;
  if (!t) throw forbidden('this route needs a tenant key');
  return t;
}
