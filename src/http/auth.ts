import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../lib/errors.ts';
import {
  isTenantPrincipal,
  type Principal,
  type Role,
  type TenantPrincipal,
} from '../lib/principal.ts';
import type { ApiKeyService } from '../features/api-keys/service.ts';
import { KNOWN, UNSCREENED } from '../features/api-keys/verification.ts';
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
 *
 * Failed authentications are counted per source, and past the limit a failing key is answered 429
 * instead of 401; a key that verifies is answered normally whatever its source did, so a flood of
 * made-up keys from one address (or from behind one NAT) locks nobody out. What keeps such a flood
 * cheap is that made-up keys are refused from memory: only a key memory cannot vouch for (the change
 * feed is down, or its id is brand new) costs a lookup, and then only for a source in good standing.
 */
export function registerAuth(
  app: FastifyInstance,
  keys: Pick<ApiKeyService, 'check' | 'authenticate'>,
  failures: Pick<Limiter, 'refusal' | 'failed'>,
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
    const header = req.headers.authorization;
    const m = header ? /^Bearer ([\x21-\x7e]{10,200})$/.exec(header) : null;
    const finish = (principal: Principal | null) => {
      if (!principal) {
        return done(
          failures.failed(req.ip) ??
            (m ? unauthorized('The API key is invalid or revoked') : unauthorized()),
        );
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
    if (!m?.[1]) return finish(null);
    const known = keys.check(m[1]);
    if (known === UNSCREENED) {
      // Memory cannot tell this key from a made-up one: a source past its failures gets no lookup.
      const refusal = failures.refusal(req.ip);
      if (refusal) return done(refusal);
    } else if (known !== KNOWN) return finish(known);
    keys.authenticate(m[1]).then(finish, done);
  });
}

/** The calling key as a tenant's; operator keys hold no tenant and so reach no tenant resources. */
export function tenantPrincipal(req: FastifyRequest): TenantPrincipal {
  const p = req.principal;
  if (!p || !isTenantPrincipal(p)) throw forbidden('this route needs a tenant key');
  return p;
}

/** The tenant of the calling key (see tenantPrincipal). */
export const tenantOf = (req: FastifyRequest): string => tenantPrincipal(req).tenantId;
