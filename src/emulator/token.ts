// POST /oauth/token: authorization_code and refresh_token grants with rotation and reuse detection,
// and client_credentials for service accounts (client-credentials.ts).
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { str } from './authorize.ts';
import { clientCredentials, type TokenResult } from './client-credentials.ts';
import type { EmulatorCore } from './core.ts';
import { applyFault } from './faults.ts';
import type { App } from './state.ts';
import { familyExpired, type Family } from './tokens.ts';

type Params = Record<string, unknown>;

const err = (status: number, error: string, error_description: string): TokenResult => ({
  status,
  body: { error, error_description },
});
const INVALID_CODE = 'Invalid authorization code';
const INVALID_REFRESH = 'Unknown or invalid refresh token.';

function basicCredentials(header: string | undefined): { id?: string; secret?: string } {
  if (!header || !/^basic /i.test(header)) return {};
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return {};
  const unescape = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: unescape(decoded.slice(0, i)), secret: unescape(decoded.slice(i + 1)) };
}

function invalidGrant(core: EmulatorCore, description: string): TokenResult {
  core.counters.inc('invalidGrant');
  return err(403, 'invalid_grant', description);
}

function issue(core: EmulatorCore, app: App, family: Family, refreshToken: string | undefined) {
  const ttl = app.accessTokenTtlSeconds ?? core.opts.accessTokenTtlSeconds;
  const body: Record<string, unknown> = {
    access_token: core.tokens.issueAccess(family, ttl, core.clock.now()),
    expires_in: ttl,
    token_type: 'Bearer',
    scope: family.scopes.join(' '),
  };
  if (refreshToken) body.refresh_token = refreshToken;
  return { status: 200, body };
}

function pkceMatches(challenge: string, method: 'S256' | 'plain' | undefined, verifier?: string) {
  if (!verifier) return false;
  if (method === 'plain') return verifier === challenge;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

function exchangeCode(core: EmulatorCore, app: App, body: Params): TokenResult {
  const code = str(body, 'code');
  const redirectUri = str(body, 'redirect_uri');
  if (!code) return err(400, 'invalid_request', 'Missing required parameter: code');
  if (!redirectUri) return err(400, 'invalid_request', 'Missing required parameter: redirect_uri');
  const c = core.tokens.codes.get(code);
  const now = core.clock.now();
  if (!c) return invalidGrant(core, INVALID_CODE);
  if (c.used) {
    // RFC 6749 §4.1.2: a replayed code revokes the tokens issued from it.
    if (c.family && !c.family.revoked) {
      core.tokens.revokeFamily(c.family);
      core.counters.inc('familiesRevoked');
    }
    return invalidGrant(core, INVALID_CODE);
  }
  if (c.clientId !== app.clientId || c.expiresAt <= now || c.redirectUri !== redirectUri) {
    return invalidGrant(core, INVALID_CODE);
  }
  if (c.grant.revoked) return invalidGrant(core, INVALID_CODE);
  const verifier = str(body, 'code_verifier');
  if (c.challenge !== undefined) {
    if (!pkceMatches(c.challenge, c.challengeMethod, verifier)) {
      return invalidGrant(core, INVALID_CODE);
    }
  } else if (verifier !== undefined) {
    // RFC 9700 §4.8.2 (PKCE downgrade): a verifier for a code issued without a challenge is refused.
    return invalidGrant(core, INVALID_CODE);
  }
  c.used = true;
  const family = core.tokens.createFamily(c.grant, app.clientId, c.scopes, now);
  c.family = family;
  const refresh = c.scopes.includes('offline_access')
    ? core.tokens.issueRefresh(family)
    : undefined;
  core.counters.inc('codeExchanges');
  return issue(core, app, family, refresh);
}

function refresh(core: EmulatorCore, app: App, body: Params): TokenResult {
  const token = str(body, 'refresh_token');
  if (!token) return err(400, 'invalid_request', 'Missing required parameter: refresh_token');
  if (body.scope !== undefined) core.counters.inc('refreshWithScopeParam');
  const entry = core.tokens.refresh.get(token);
  const now = core.clock.now();
  if (!entry) return invalidGrant(core, INVALID_REFRESH);
  const fam = entry.family;
  if (
    fam.revoked ||
    fam.grant.revoked ||
    fam.clientId !== app.clientId ||
    familyExpired(fam, now)
  ) {
    return invalidGrant(core, INVALID_REFRESH);
  }
  const rotate = app.issueRefreshTokenOnRefresh;
  if (entry.gen === fam.currentGen) {
    if (rotate) {
      fam.lastSpentGen = entry.gen;
      fam.lastSpentAt = now;
    }
  } else if (
    entry.gen === fam.lastSpentGen &&
    now - fam.lastSpentAt < core.opts.leewaySeconds * 1000
  ) {
    core.counters.inc('reuseInsideLeeway');
    if (!rotate) fam.currentGen = entry.gen;
  } else {
    core.counters.inc('reuseOutsideLeeway');
    core.tokens.revokeFamily(fam);
    core.counters.inc('familiesRevoked');
    return invalidGrant(core, INVALID_REFRESH);
  }
  fam.lastUsedAt = now;
  const next = rotate ? core.tokens.issueRefresh(fam) : undefined;
  const result = issue(core, app, fam, next);
  core.tokens.companionRevoke(fam, 1, now);
  core.counters.refreshed(fam.id);
  return result;
}

export function handleToken(core: EmulatorCore, rawBody: unknown, authorization?: string) {
  const body: Params = rawBody && typeof rawBody === 'object' ? (rawBody as Params) : {};
  const grantType = str(body, 'grant_type');
  if (!grantType) return err(400, 'invalid_request', 'Missing required parameter: grant_type');
  const basic = basicCredentials(authorization);
  const clientId = str(body, 'client_id') ?? basic.id;
  const clientSecret = str(body, 'client_secret') ?? basic.secret;
  if (!clientId) return err(400, 'invalid_request', 'Missing required parameter: client_id');
  if (grantType === 'client_credentials') return clientCredentials(core, clientId, clientSecret);
  const app = core.dir.apps.get(clientId);
  if (!app) return err(401, 'unauthorized_client', 'Unknown client: the client_id is not valid.');
  if (!clientSecret)
    return err(400, 'invalid_request', 'Missing required parameter: client_secret');
  if (clientSecret !== app.clientSecret) return err(401, 'access_denied', 'Unauthorized');
  if (grantType === 'authorization_code') return exchangeCode(core, app, body);
  if (grantType === 'refresh_token') return refresh(core, app, body);
  return err(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
}

export function registerTokenRoute(app: FastifyInstance, core: EmulatorCore): void {
  app.post('/oauth/token', async (req, reply) => {
    core.counters.inc('tokenRequests');
    const fault = core.faults.pick('token');
    if (fault && (await applyFault(core.faults, fault, reply))) return reply;
    // State changes (and counters) are committed here, before any hold.
    const result = handleToken(core, req.body, req.headers.authorization);
    if (result.status === 200 && fault?.holdAfterIssueMs) {
      core.counters.inc('issuedAfterHold');
      await core.faults.sleep(fault.holdAfterIssueMs);
    }
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return reply.code(result.status).send(result.body);
  });
}
