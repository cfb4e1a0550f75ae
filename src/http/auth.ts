import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, forbidden, unauthorized } from '../lib/errors.ts';
import {
  isTenantPrincipal,
  type Principal,
  type Role,
  type TenantPrincipal,
} from '../lib/principal.ts';
import type { ApiKeyService } from '../features/api-keys/service.ts';
import { KNOWN, UNSCREENED } from '../features/api-keys/verification.ts';
import type { ProxyTokenService } from '../features/proxy-tokens/service.ts';
import type { Limiter } from './rate-limit.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** roles allowed on this route; routes under /v1 must set this or `public` */
    roles?: Role[];
    public?: boolean;
    /** the proxy routes: a vault-signed proxy token is accepted instead of a key */
    proxyTokens?: boolean;
    /** the token exchange: a public route that authenticates its OAuth client itself */
    oauthClient?: boolean;
  }
}

// A proxy token: a JWT, longer than a key (it carries its policies).
const PROXY_TOKEN = /^Bearer (eyJ[\w-]*\.[\w-]+\.[\w-]+)$/;
// An API key as presented (parsed further by the key service).
const API_KEY = /^Bearer ([\x21-\x7e]{10,200})$/;

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
  proxyTokens?: Pick<ProxyTokenService, 'authenticate'>,
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
  // Callback-style: a key verified from the cache costs no promise and no closure; a lookup (or a
  // proxy token) completes later.
  app.addHook('onRequest', (req, _reply, done) => {
    const config = req.routeOptions.config;
    const roles = config.roles;
    if (!roles) return done();
    const header = req.headers.authorization;
    // A proxy token is a JWT (`eyJ…`); an API key never starts so.
    const jwt =
      header && header.length <= 8192 && header.startsWith('Bearer eyJ')
        ? PROXY_TOKEN.exec(header)?.[1]
        : undefined;
    if (jwt) {
      if (!proxyTokens || !config.proxyTokens) return refuse(req, config, true, false, done);
      const refusal = failures.refusal(req.ip);
      if (refusal) return done(refusal);
      proxyTokens
        .authenticate(jwt)
        .then((p) => settle(req, config, roles, p, true, false, done), done);
      return;
    }
    const key = header ? API_KEY.exec(header)?.[1] : undefined;
    if (!key) return refuse(req, config, false, false, done);
    const known = keys.check(key);
    if (known === UNSCREENED) {
      // Memory cannot tell this key from a made-up one: a source past its failures gets no lookup.
      const refusal = failures.refusal(req.ip);
      if (refusal) return done(refusal);
    } else if (known !== KNOWN) return settle(req, config, roles, known, false, true, done);
    keys.authenticate(key).then((p) => settle(req, config, roles, p, false, true, done), done);
  });

  /** A refused authentication: counted against the source, then 401 (or 429 past its limit). */
  function refuse(
    req: FastifyRequest,
    config: FastifyContextConfig,
    jwt: boolean,
    key: boolean,
    done: (err?: Error) => void,
  ) {
    return done(
      failures.failed(req.ip) ??
        (jwt
          ? unauthorized(
              config.proxyTokens
                ? 'The proxy token is invalid, expired, or no longer trusted (its key or issuer was revoked)'
                : 'A proxy token is accepted on the proxy routes only; this route needs an API key',
            )
          : key
            ? unauthorized('The API key is invalid or revoked')
            : unauthorized()),
    );
  }

  /** The outcome of authentication: the principal, if its role may use the route. */
  function settle(
    req: FastifyRequest,
    config: FastifyContextConfig,
    roles: Role[],
    principal: Principal | null,
    jwt: boolean,
    key: boolean,
    done: (err?: Error) => void,
  ) {
    if (!principal) return refuse(req, config, jwt, key, done);
    if (!roles.includes(principal.role)) {
      return done(
        forbidden(
          `this route needs a key with role ${roles.join(' or ')}; this key is ${principal.role}`,
        ),
      );
    }
    req.principal = principal;
    done();
  }
}

/** The calling key as a tenant's; operator keys hold no tenant and so reach no tenant resources. */
export function tenantPrincipal(req: FastifyRequest): TenantPrincipal {
  const p = req.principal;
  if (!p || !isTenantPrincipal(p)) throw forbidden('this route needs a tenant key');
  return p;
}

/** The tenant of the calling key (see tenantPrincipal). */
export const tenantOf = (req: FastifyRequest): string => tenantPrincipal(req).tenantId;

/**
 * OAuth client authentication (RFC 6749 §2.3) for the token exchange, which standard OAuth client
 * libraries call: a service key as `Authorization: Bearer`, or HTTP Basic with the key's id as
 * client_id and the key itself as client_secret (`client_secret_basic`), or the same two in the
 * form (`client_secret_post`, passed here as `post`). No credential at all is not a failure here:
 * the exchange may be authenticated by its actor token alone. A failure is counted against the
 * source like any other failed authentication.
 */
export async function authenticateClient(
  req: FastifyRequest,
  keys: Pick<ApiKeyService, 'check' | 'authenticate'>,
  failures: Pick<Limiter, 'refusal' | 'failed'>,
  post?: { clientId?: string; clientSecret?: string },
): Promise<Principal | null> {
  const header = req.headers.authorization;
  const fromPost = post?.clientId !== undefined || post?.clientSecret !== undefined;
  const invalid = (detail: string) =>
    failures.failed(req.ip) ?? new AppError('invalid_client', 401, 'Unauthorized', detail);
  if (header && fromPost)
    throw new AppError(
      'invalid_request',
      400,
      'Bad request',
      'the client authenticated twice (an Authorization header and client credentials in the body)',
    );
  let id: string | undefined;
  let secret: string | undefined;
  if (header) {
    const bearer = /^Bearer ([\x21-\x7e]{10,200})$/.exec(header);
    const basic = /^Basic ([A-Za-z0-9+/=]{1,1024})$/i.exec(header);
    if (bearer) secret = bearer[1];
    else if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const at = decoded.indexOf(':');
      try {
        id = decodeURIComponent(decoded.slice(0, at).replace(/\+/g, ' '));
        secret = decodeURIComponent(decoded.slice(at + 1).replace(/\+/g, ' '));
      } catch {
        throw invalid('the Basic credentials are not form-encoded');
      }
      if (at < 0) throw invalid('the Basic credentials are not client_id:client_secret');
    } else throw invalid('the Authorization header is neither a Bearer key nor Basic credentials');
  } else if (fromPost) {
    id = post?.clientId;
    secret = post?.clientSecret;
    if (!secret) throw invalid('client_secret is missing');
  } else return null;
  const known = keys.check(secret!);
  let principal: Principal | null;
  if (known === UNSCREENED || known === KNOWN) {
    if (known === UNSCREENED) {
      const refusal = failures.refusal(req.ip);
      if (refusal) throw refusal;
    }
    principal = await keys.authenticate(secret!);
  } else principal = known;
  if (!principal) throw invalid('the client credentials are invalid or revoked');
  if (id !== undefined && id !== principal.keyId)
    throw invalid('client_id is not the id of the key given as client_secret');
  if (principal.role === 'operator')
    throw new AppError('unauthorized_client', 403, 'Forbidden', 'operator keys hold no tenant');
  return principal;
}
