// The api.atlassian.com look-alike: accessible-resources and /me here; Jira and Confluence (in both
// the gateway and the site form) in their own modules. All of it answers gzip to clients that ask.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerConfluenceRoutes } from './confluence.ts';
import type { EmulatorCore } from './core.ts';
import { applyFault } from './faults.ts';
import { UNAUTHORIZED } from './gateway.ts';
import { gzipJson } from './gzip.ts';
import { registerJiraAttachmentRoutes } from './jira-attachments.ts';
import { registerJiraRoutes } from './jira.ts';
import { bearerPrincipal, type Principal } from './principal.ts';

/** Applies API faults, then authenticates the Bearer token. Undefined = already answered. */
async function authenticate(
  core: EmulatorCore,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<Principal | undefined> {
  const fault = core.faults.pick('api');
  const context = { reason: 'jira-quota-global-based', now: core.clock.now() };
  if (fault && (await applyFault(core.faults, fault, reply, context))) return undefined;
  const principal = bearerPrincipal(core, req.headers.authorization);
  if (!principal) {
    await reply.code(401).header('www-authenticate', 'Bearer').send(UNAUTHORIZED);
    return undefined;
  }
  return principal;
}

function picture(name: string): string {
  const initials = name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return `https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/${encodeURIComponent(initials)}-0.png`;
}

function registerIdentityRoutes(app: FastifyInstance, core: EmulatorCore): void {
  app.get('/oauth/token/accessible-resources', async (req, reply) => {
    const p = await authenticate(core, req, reply);
    if (!p) return reply;
    const scopes = p.scopes ?? [];
    const jira = scopes.filter((s) => s.includes('jira'));
    const confluence = scopes.filter((s) => s.includes('confluence'));
    const out: { id: string; name: string; url: string; scopes: string[]; avatarUrl: string }[] =
      [];
    for (const id of p.siteIds) {
      const site = core.dir.sites.get(id);
      if (!site) continue;
      const entry = { id: site.id, name: site.name, url: site.url, avatarUrl: site.avatarUrl };
      if (site.products.includes('jira') && jira.length > 0) out.push({ ...entry, scopes: jira });
      if (site.products.includes('confluence') && confluence.length > 0) {
        out.push({ ...entry, scopes: confluence });
      }
    }
    return out;
  });

  app.get('/me', async (req, reply) => {
    const p = await authenticate(core, req, reply);
    if (!p) return reply;
    // A user grants read:me at consent; a service account's token describes the account anyway.
    if (p.accountType === 'atlassian' && !p.scopes?.includes('read:me')) {
      return reply
        .code(403)
        .send({ code: 403, message: 'Forbidden: the read:me scope is required' });
    }
    return {
      account_type: p.accountType,
      account_id: p.accountId,
      email: p.email,
      name: p.name,
      picture: picture(p.name),
      account_status: 'active',
      nickname: p.name.split(/\s+/)[0] ?? p.name,
      zoneinfo: 'Europe/Amsterdam',
      locale: 'en-US',
      extended_profile: {},
    };
  });
}

export function registerApiRoutes(app: FastifyInstance, core: EmulatorCore): void {
  void app.register(async (api) => {
    api.addHook('onSend', gzipJson);
    // Like Jira, an empty body with a JSON content type (a DELETE from many clients) is no body.
    api.removeContentTypeParser('application/json');
    api.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
      if (text === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text as string));
      } catch {
        done(Object.assign(new Error('Invalid JSON body'), { statusCode: 400 }), undefined);
      }
    });
    registerIdentityRoutes(api, core);
    registerJiraRoutes(api, core);
    registerJiraAttachmentRoutes(api, core);
    registerConfluenceRoutes(api, core);
  });
}
