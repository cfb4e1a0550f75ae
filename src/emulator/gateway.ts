// Jira and Confluence routes are written once and served in two forms:
//   gateway  /ex/jira/:cloudId/…, /ex/confluence/:cloudId/…  (api.atlassian.com: Bearer tokens and
//            scoped API tokens)
//   site     /site/:siteKey/…  (https://{site}.atlassian.net: classic API tokens), siteKey = cloud id
//            or site name
// Every request first gets the API faults, then authentication, the site, the product and the scope.
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { SiteContent } from './content.ts';
import type { EmulatorCore } from './core.ts';
import { API_RATE_LIMIT, applyFault } from './faults.ts';
import { basicPrincipal, bearerPrincipal, type Principal } from './principal.ts';
import type { EmuSite, Product } from './types.ts';

export type Form = 'gateway' | 'site';
/** `none`: any live credential of the site will do (e.g. /myself). */
export type Access = 'read' | 'write' | 'none';

export interface ApiContext {
  principal: Principal;
  site: EmuSite;
  content: SiteContent;
  form: Form;
  /** Absolute base of this site's API as the caller addressed it, for `self` links. */
  base: string;
}

export interface ProductRoute {
  method: HTTPMethods;
  /** Under the product's base, e.g. `/rest/api/3/issue/:issueIdOrKey`. */
  url: string;
  access: Access;
  handler: (ctx: ApiContext, req: FastifyRequest, reply: FastifyReply) => unknown;
}

const PREFIX: Record<Form, Record<Product, string>> = {
  gateway: { jira: '/ex/jira/:siteKey', confluence: '/ex/confluence/:siteKey' },
  site: { jira: '/site/:siteKey', confluence: '/site/:siteKey' },
};

export const UNAUTHORIZED = { code: 401, message: 'Unauthorized' };

/** Jira's and Confluence's own error shapes. */
export function productError(product: Product, status: number, message: string) {
  if (product === 'jira') return { errorMessages: [message], errors: {} };
  const code = status === 404 ? 'NOT_FOUND' : status === 403 ? 'FORBIDDEN' : 'BAD_REQUEST';
  return { errors: [{ status, code, title: message, detail: null }] };
}

function scopeAllows(product: Product, access: Access, scopes: readonly string[]): boolean {
  if (access === 'none') return true;
  if (access === 'read') return scopes.some((s) => s.startsWith('read:') && s.includes(product));
  if (product === 'jira') return scopes.includes('write:jira-work');
  return scopes.includes('write:confluence-content') || scopes.includes('write:page:confluence');
}

function authenticate(core: EmulatorCore, form: Form, header: string | undefined) {
  if (form === 'site') return basicPrincipal(core, header, false);
  return bearerPrincipal(core, header) ?? basicPrincipal(core, header, true);
}

function locateSite(core: EmulatorCore, form: Form, key: string, p: Principal, product: Product) {
  const candidates = form === 'gateway' ? [core.dir.sites.get(key)] : core.dir.sitesByKey(key);
  return candidates.find((s) => s && p.siteIds.has(s.id) && s.products.includes(product));
}

/** Runs the checks every product route shares. Undefined = already answered. */
export async function guard(
  core: EmulatorCore,
  req: FastifyRequest,
  reply: FastifyReply,
  form: Form,
  product: Product,
  access: Access,
): Promise<ApiContext | undefined> {
  const fault = core.faults.pick('api');
  const faultContext = { reason: `${product}-quota-global-based`, now: core.clock.now() };
  if (fault && (await applyFault(core.faults, fault, reply, faultContext))) return undefined;
  const principal = authenticate(core, form, req.headers.authorization);
  if (!principal) {
    const challenge = form === 'site' ? 'Basic realm="protected-area"' : 'Bearer';
    await reply.code(401).header('www-authenticate', challenge).send(UNAUTHORIZED);
    return undefined;
  }
  const key = (req.params as { siteKey: string }).siteKey;
  const site = locateSite(core, form, key, principal, product);
  if (!site) {
    await reply.code(404).send(productError(product, 404, 'Site not found'));
    return undefined;
  }
  const content = core.content.of(site.id);
  reply
    .header('x-ratelimit-limit', String(API_RATE_LIMIT))
    .header('x-ratelimit-remaining', String(content.rateLimitRemaining(core.clock.now())));
  if (principal.scopes && !scopeAllows(product, access, principal.scopes)) {
    await reply
      .code(403)
      .send(productError(product, 403, `Unauthorized; scope does not match (needs ${access})`));
    return undefined;
  }
  const prefix =
    form === 'gateway' ? `/ex/${product}/${site.id}` : `/site/${encodeURIComponent(key)}`;
  const base = `${req.protocol}://${req.host}${prefix}`;
  return { principal, site, content, form, base };
}

/** Registers each route in both forms. */
export function registerProductRoutes(
  app: FastifyInstance,
  core: EmulatorCore,
  product: Product,
  routes: ProductRoute[],
): void {
  for (const form of ['gateway', 'site'] as const) {
    for (const r of routes) {
      app.route({
        method: r.method,
        url: PREFIX[form][product] + r.url,
        handler: async (req, reply) => {
          const ctx = await guard(core, req, reply, form, product, r.access);
          if (!ctx) return reply;
          return r.handler(ctx, req, reply);
        },
      });
    }
  }
}

/** A query parameter's first value. */
export function queryValue(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}
