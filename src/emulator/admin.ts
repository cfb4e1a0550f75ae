// Admin HTTP API under /_emulator (JSON, no auth: a local test tool). Same operations as the code API.
import type { FastifyInstance } from 'fastify';
import { consent } from './authorize.ts';
import { type Body, body, pick } from './admin-input.ts';
import type { EmulatorCore } from './core.ts';
import type { App } from './state.ts';
import { EmuInputError } from './state.ts';
import type { AppInput, SiteInput, UserInput } from './types.ts';

function siteInput(b: Body): SiteInput {
  return {
    id: b.id as string | undefined,
    name: b.name as string,
    url: b.url as string,
    products: b.products as SiteInput['products'],
  };
}

function appView(core: EmulatorCore, a: App) {
  return {
    clientId: a.clientId,
    name: a.name,
    callbackUrl: a.callbackUrl,
    scopes: [...a.scopes],
    accessTokenTtlSeconds: a.accessTokenTtlSeconds ?? core.opts.accessTokenTtlSeconds,
    issueRefreshTokenOnRefresh: a.issueRefreshTokenOnRefresh,
  };
}

export function registerAdminRoutes(app: FastifyInstance, core: EmulatorCore): void {
  const clock = () => ({ now_ms: core.clock.now() });

  app.post('/_emulator/apps', async (req, reply) => {
    const b = body(req.body);
    const input: AppInput = {
      clientId: pick(b, 'clientId', 'client_id') as string,
      clientSecret: pick(b, 'clientSecret', 'client_secret') as string,
      name: b.name as string,
      callbackUrl: pick(b, 'callbackUrl', 'callback_url') as string,
      scopes: b.scopes as string[],
      accessTokenTtlSeconds: pick(b, 'accessTokenTtlSeconds', 'access_token_ttl_seconds') as
        number | undefined,
      issueRefreshTokenOnRefresh: pick(
        b,
        'issueRefreshTokenOnRefresh',
        'issue_refresh_token_on_refresh',
      ) as boolean | undefined,
    };
    return reply.code(201).send(appView(core, core.dir.addApp(input)));
  });

  app.get('/_emulator/apps', async () => [...core.dir.apps.values()].map((a) => appView(core, a)));

  // What an admin does in the developer console: change the app's callback URL.
  app.put<{ Params: { clientId: string } }>('/_emulator/apps/:clientId', async (req) => {
    const b = body(req.body);
    const url = pick(b, 'callbackUrl', 'callback_url');
    return appView(core, core.dir.setAppCallback(req.params.clientId, url));
  });

  app.get('/_emulator/users', async () => [...core.dir.users.values()]);

  app.post('/_emulator/users', async (req, reply) => {
    const b = body(req.body);
    const sites = b.sites ?? [];
    if (!Array.isArray(sites)) throw new EmuInputError('sites must be an array');
    const input: UserInput = {
      accountId: pick(b, 'accountId', 'account_id') as string | undefined,
      email: b.email as string,
      name: b.name as string,
      sites: sites.map((s) => siteInput(body(s))),
    };
    return reply.code(201).send(core.dir.addUser(input));
  });

  app.post<{ Params: { accountId: string } }>(
    '/_emulator/users/:accountId/sites',
    async (req, reply) => {
      const site = core.dir.addSite(req.params.accountId, siteInput(body(req.body)));
      return reply.code(201).send(site);
    },
  );

  app.get('/_emulator/clock', async () => clock());

  app.post('/_emulator/clock', async (req) => {
    const b = body(req.body);
    const advance = pick(b, 'advance_seconds', 'advanceSeconds');
    const now = pick(b, 'now_ms', 'nowMs');
    try {
      if (b.reset === true) core.clock.reset();
      else if (advance !== undefined) core.clock.advance(advance as number);
      else if (now !== undefined) core.clock.set(now as number);
      else throw new EmuInputError('one of advance_seconds, now_ms or reset:true is required');
    } catch (e) {
      if (e instanceof TypeError) throw new EmuInputError(e.message);
      throw e;
    }
    return clock();
  });

  app.post('/_emulator/grants/revoke', async (req) => {
    const b = body(req.body);
    const accountId = pick(b, 'account_id', 'accountId');
    const clientId = pick(b, 'client_id', 'clientId');
    if (typeof accountId !== 'string' || typeof clientId !== 'string') {
      throw new EmuInputError('account_id and client_id are required');
    }
    return { revoked: core.dir.revokeGrant(accountId, clientId) };
  });

  app.get('/_emulator/faults', async () => ({ faults: core.faults.current() }));

  app.put('/_emulator/faults', async (req) => {
    core.faults.set(body(req.body));
    return { faults: core.faults.current() };
  });

  app.delete('/_emulator/faults', async () => {
    core.faults.clear();
    return { faults: null };
  });

  app.get('/_emulator/counters', async () => core.countersSnapshot());

  app.post('/_emulator/counters/reset', async () => {
    core.resetCounters();
    return core.countersSnapshot();
  });

  app.post('/_emulator/consent', async (req) => {
    const b = body(req.body);
    const authorizeUrl = pick(b, 'authorize_url', 'authorizeUrl');
    const decision = b.decision;
    const accountId = pick(b, 'account_id', 'accountId');
    const siteIds = pick(b, 'site_ids', 'siteIds');
    if (typeof authorizeUrl !== 'string') throw new EmuInputError('authorize_url is required');
    if (decision !== 'approve' && decision !== 'deny') {
      throw new EmuInputError('decision must be "approve" or "deny"');
    }
    if (accountId !== undefined && typeof accountId !== 'string') {
      throw new EmuInputError('account_id must be a string');
    }
    if (
      siteIds !== undefined &&
      (!Array.isArray(siteIds) || siteIds.some((s) => typeof s !== 'string'))
    ) {
      throw new EmuInputError('site_ids must be an array of strings');
    }
    return consent(core, { authorizeUrl, decision, accountId, siteIds: siteIds as string[] });
  });
}
