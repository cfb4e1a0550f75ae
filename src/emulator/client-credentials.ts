// grant_type=client_credentials for service-account credentials: 60-minute tokens, no refresh token.
import type { EmulatorCore } from './core.ts';

export interface TokenResult {
  status: number;
  body: Record<string, unknown>;
}

const invalidClient = (core: EmulatorCore): TokenResult => {
  core.counters.inc('invalidClient');
  return {
    status: 401,
    body: { error: 'invalid_client', error_description: 'Client authentication failed.' },
  };
};

/** The scope parameter is ignored: the token carries the scopes chosen for the credential. */
export function clientCredentials(
  core: EmulatorCore,
  clientId: string,
  clientSecret: string | undefined,
): TokenResult {
  core.counters.inc('clientCredentialsRequests');
  const cred = core.accounts.credentials.get(clientId);
  if (!cred) {
    if (core.dir.apps.has(clientId)) {
      return {
        status: 400,
        body: {
          error: 'unauthorized_client',
          error_description: 'This client may not use grant_type client_credentials.',
        },
      };
    }
    return invalidClient(core);
  }
  if (cred.revoked || clientSecret !== cred.clientSecret) return invalidClient(core);
  const { accountId, siteIds } = cred.account;
  let grant = core.dir.getGrant(accountId, clientId);
  if (!grant) {
    grant = core.dir.upsertGrant(accountId, clientId, [], cred.scopes);
    grant.siteIds = siteIds; // the service account's own set: sites added later count
  }
  const now = core.clock.now();
  const family = core.tokens.createFamily(grant, clientId, cred.scopes, now);
  const ttl = cred.accessTokenTtlSeconds ?? core.opts.accessTokenTtlSeconds;
  core.counters.inc('clientCredentialsIssued');
  return {
    status: 200,
    body: {
      access_token: core.tokens.issueAccess(family, ttl, now),
      expires_in: ttl,
      token_type: 'Bearer',
      scope: cred.scopes.join(' '),
    },
  };
}
