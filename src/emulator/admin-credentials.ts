// Admin routes for credentials: access-token revocation, service accounts, API tokens.
import type { FastifyInstance } from 'fastify';
import { body, pick } from './admin-input.ts';
import type { EmulatorCore } from './core.ts';
import { EmuInputError } from './errors.ts';
import type { ApiTokenInput, ServiceAccountInput, SiteInput } from './types.ts';

function requiredString(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw new EmuInputError(`${field} is required`);
  return v;
}

export function registerCredentialAdminRoutes(app: FastifyInstance, core: EmulatorCore): void {
  app.post('/_emulator/access-tokens/revoke', async (req) => {
    const b = body(req.body);
    const accountId = requiredString(pick(b, 'accountId', 'account_id'), 'accountId');
    const clientId = requiredString(pick(b, 'clientId', 'client_id'), 'clientId');
    return { revoked: core.dir.revokeAccessTokens(accountId, clientId) };
  });

  app.post('/_emulator/service-accounts', async (req, reply) => {
    const b = body(req.body);
    const input: ServiceAccountInput = {
      clientId: pick(b, 'clientId', 'client_id') as string,
      clientSecret: pick(b, 'clientSecret', 'client_secret') as string,
      scopes: b.scopes as string[],
      name: b.name as string,
      email: b.email as string | undefined,
      accountId: pick(b, 'accountId', 'account_id') as string | undefined,
      siteIds: pick(b, 'siteIds', 'site_ids') as string[] | undefined,
      sites: b.sites as SiteInput[] | undefined,
      accessTokenTtlSeconds: pick(b, 'accessTokenTtlSeconds', 'access_token_ttl_seconds') as
        number | undefined,
    };
    return reply.code(201).send(core.accounts.addServiceAccount(input));
  });

  // Secret rotation.
  app.put<{ Params: { clientId: string } }>(
    '/_emulator/service-accounts/:clientId',
    async (req) => {
      const b = body(req.body);
      core.accounts.setSecret(req.params.clientId, pick(b, 'clientSecret', 'client_secret'));
      return core.accounts.view(req.params.clientId);
    },
  );

  app.delete<{ Params: { clientId: string } }>(
    '/_emulator/service-accounts/:clientId',
    async (req) => ({ revoked: core.accounts.revokeCredential(req.params.clientId) }),
  );

  app.post('/_emulator/api-tokens', async (req, reply) => {
    const b = body(req.body);
    const input: ApiTokenInput = {
      email: b.email as string | undefined,
      token: b.token as string | undefined,
      accountId: pick(b, 'accountId', 'account_id') as string,
      scoped: b.scoped as boolean,
      expiresAt: pick(b, 'expiresAt', 'expires_at') as number | undefined,
      siteIds: pick(b, 'siteIds', 'site_ids') as string[] | undefined,
      scopes: b.scopes as string[] | undefined,
    };
    const token = core.accounts.addApiToken(input);
    const t = core.accounts.apiTokens.get(token)!;
    return reply.code(201).send({
      token,
      accountId: t.accountId,
      email: t.email,
      scoped: t.scoped,
      expiresAt: t.expiresAt ?? null,
    });
  });

  app.delete<{ Params: { token: string } }>('/_emulator/api-tokens/:token', async (req) => ({
    revoked: core.accounts.revokeApiToken(req.params.token),
  }));
}
