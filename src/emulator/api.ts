// The api.atlassian.com look-alike: accessible-resources, /me and Jira's /myself.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorCore } from './core.ts';
import { applyFault } from './faults.ts';
import type { AccessToken } from './tokens.ts';
import type { EmuUser } from './types.ts';

const UNAUTHORIZED = { code: 401, message: 'Unauthorized' };

/** Applies API faults, then authenticates the Bearer token. Undefined = already answered. */
async function authenticate(
  core: EmulatorCore,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<{ at: AccessToken; user: EmuUser } | undefined> {
  const fault = core.faults.pick('api');
  if (fault && (await applyFault(core.faults, fault, reply))) return undefined;
  const header = req.headers.authorization;
  const token = header && /^bearer /i.test(header) ? header.slice(7).trim() : '';
  const at = token ? core.tokens.liveAccessToken(token, core.clock.now()) : undefined;
  const user = at && core.dir.users.get(at.family.grant.accountId);
  if (!at || !user) {
    await reply.code(401).header('www-authenticate', 'Bearer').send(UNAUTHORIZED);
    return undefined;
  }
  return { at, user };
}

function picture(user: EmuUser): string {
  const initials = user.name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return `https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/${encodeURIComponent(initials)}-0.png`;
}

export function registerApiRoutes(app: FastifyInstance, core: EmulatorCore): void {
  app.get('/oauth/token/accessible-resources', async (req, reply) => {
    const auth = await authenticate(core, req, reply);
    if (!auth) return reply;
    const scopes = auth.at.family.scopes;
    const jira = scopes.filter((s) => s.includes('jira'));
    const confluence = scopes.filter((s) => s.includes('confluence'));
    const out: { id: string; name: string; url: string; scopes: string[]; avatarUrl: string }[] =
      [];
    for (const id of auth.at.family.grant.siteIds) {
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
    const auth = await authenticate(core, req, reply);
    if (!auth) return reply;
    if (!auth.at.family.scopes.includes('read:me')) {
      return reply
        .code(403)
        .send({ code: 403, message: 'Forbidden: the read:me scope is required' });
    }
    const u = auth.user;
    return {
      account_type: 'atlassian',
      account_id: u.accountId,
      email: u.email,
      name: u.name,
      picture: picture(u),
      account_status: 'active',
      nickname: u.name.split(/\s+/)[0] ?? u.name,
      zoneinfo: 'Europe/Amsterdam',
      locale: 'en-US',
      extended_profile: {},
    };
  });

  app.get<{ Params: { cloudId: string } }>(
    '/ex/jira/:cloudId/rest/api/3/myself',
    async (req, reply) => {
      const auth = await authenticate(core, req, reply);
      if (!auth) return reply;
      const { cloudId } = req.params;
      const site = core.dir.sites.get(cloudId);
      if (!auth.at.family.grant.siteIds.has(cloudId) || !site?.products.includes('jira')) {
        return reply.code(404).send({ errorMessages: ['Site not found'], errors: {} });
      }
      const u = auth.user;
      return {
        self: `https://api.atlassian.com/ex/jira/${cloudId}/rest/api/3/user?accountId=${encodeURIComponent(u.accountId)}`,
        accountId: u.accountId,
        accountType: 'atlassian',
        emailAddress: u.email,
        displayName: u.name,
        active: true,
        timeZone: 'Europe/Amsterdam',
        locale: 'en_US',
      };
    },
  );
}
