// POST /login/oauth/access_token: the code exchange and the refresh (rotation, no leeway). Like
// GitHub, every error is an HTTP 200 carrying `error`, and the answer is JSON only for clients that
// ask for it with `Accept: application/json` (form-encoded otherwise).
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { str } from '../authorize.ts';
import type { EmulatorCore } from '../core.ts';
import { applyFault } from '../faults.ts';
import type { GhApp } from './directory.ts';
import type { IssuedTokens } from './tokens.ts';

type Params = Record<string, unknown>;

const DOCS =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/';

/** GitHub's token errors: description and the anchor of its troubleshooting page. */
const ERRORS = {
  incorrect_client_credentials: [
    'The client_id and/or client_secret passed are incorrect.',
    '#incorrect-client-credentials',
  ],
  redirect_uri_mismatch: [
    'The redirect_uri MUST match the registered callback URL for this application.',
    '#redirect-uri-mismatch2',
  ],
  bad_verification_code: ['The code passed is incorrect or expired.', '#bad-verification-code'],
  unverified_user_email: ['The user must have a verified primary email.', '#unverified-user-email'],
  bad_refresh_token: ['The refresh token passed is incorrect or expired.', '#bad-refresh-token'],
  unsupported_grant_type: [
    'The grant type is not supported: use refresh_token, or none for a code.',
    '#unsupported-grant-type',
  ],
} as const;

export type GithubTokenError = keyof typeof ERRORS;

export type GithubTokenAnswer = IssuedTokens | { error: GithubTokenError };

function fail(core: EmulatorCore, error: GithubTokenError): GithubTokenAnswer {
  core.github.counters.tokenError(error);
  return { error };
}

function basicCredentials(header: string | undefined): { id?: string; secret?: string } {
  if (!header || !/^basic /i.test(header)) return {};
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? {} : { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

function exchangeCode(core: EmulatorCore, app: GhApp, p: Params): GithubTokenAnswer {
  const code = str(p, 'code');
  const c = code ? core.github.tokens.codes.get(code) : undefined;
  const now = core.clock.now();
  if (!c || c.used || c.clientId !== app.clientId || now >= c.expiresAt || c.grant.revoked) {
    return fail(core, 'bad_verification_code');
  }
  const redirectUri = str(p, 'redirect_uri');
  // GitHub lets the client leave redirect_uri out; one that is sent must be the authorize request's.
  if (redirectUri !== undefined && redirectUri !== c.redirectUri) {
    return fail(core, 'redirect_uri_mismatch');
  }
  const verifier = str(p, 'code_verifier');
  if (c.challenge !== undefined) {
    const hash = verifier && createHash('sha256').update(verifier).digest('base64url');
    if (hash !== c.challenge) return fail(core, 'bad_verification_code');
  } else if (verifier !== undefined) {
    // A verifier for a code issued without a challenge is a client bug (or a downgrade): refused.
    return fail(core, 'bad_verification_code');
  }
  const user = core.github.dir.user(c.grant.userId);
  if (!user?.emailVerified) return fail(core, 'unverified_user_email');
  c.used = true;
  const chain = core.github.tokens.startChain(c.grant, app.clientId, now);
  core.github.counters.inc('codeExchanges');
  return core.github.tokens.issue(chain, app, now);
}

function refresh(core: EmulatorCore, app: GhApp, p: Params): GithubTokenAnswer {
  const token = str(p, 'refresh_token');
  const entry = token ? core.github.tokens.refresh.get(token) : undefined;
  const now = core.clock.now();
  if (!entry || entry.chain.clientId !== app.clientId) return fail(core, 'bad_refresh_token');
  const { chain } = entry;
  if (chain.revoked || chain.grant.revoked) return fail(core, 'bad_refresh_token');
  if (entry.spent) {
    // Either a replay or two refreshers racing with the same token: the loser learns here.
    core.github.counters.inc('refreshReuse');
    if (app.revokeGrantOnRefreshReuse) revokeGrant(core, chain.grant.userId, app.clientId);
    return fail(core, 'bad_refresh_token');
  }
  if (now >= entry.expiresAt) return fail(core, 'bad_refresh_token');
  const issued = core.github.tokens.issue(chain, app, now);
  core.github.counters.refreshed(chain.id);
  return issued;
}

/** Revokes the user's grant of the app (every token) and counts it. */
export function revokeGrant(core: EmulatorCore, userId: number, clientId: string): boolean {
  const done = core.github.dir.revokeGrant(userId, clientId);
  if (done) core.github.counters.inc('grantsRevoked');
  return done;
}

export function handleGithubToken(
  core: EmulatorCore,
  p: Params,
  authorization?: string,
): GithubTokenAnswer {
  const basic = basicCredentials(authorization);
  const clientId = str(p, 'client_id') ?? basic.id;
  const clientSecret = str(p, 'client_secret') ?? basic.secret;
  const app = clientId ? core.github.dir.apps.get(clientId) : undefined;
  if (!app || clientSecret !== app.clientSecret) return fail(core, 'incorrect_client_credentials');
  const grantType = str(p, 'grant_type');
  if (grantType === 'refresh_token') return refresh(core, app, p);
  if (grantType === undefined || grantType === 'authorization_code') {
    return exchangeCode(core, app, p);
  }
  return fail(core, 'unsupported_grant_type');
}

/** Whether the Accept header asks for JSON (an `application/json` range with q > 0). */
export function wantsJson(accept: string | string[] | undefined): boolean {
  const value = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  return value.split(',').some((part) => {
    const [type, ...params] = part.trim().split(';');
    if (type?.trim().toLowerCase() !== 'application/json') return false;
    const q = params.map((s) => s.trim()).find((s) => s.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** The wire form of an answer: errors gain their description and documentation link. */
function wireBody(answer: GithubTokenAnswer): Record<string, string | number> {
  if (!('error' in answer)) return { ...answer };
  const [description, anchor] = ERRORS[answer.error];
  return { error: answer.error, error_description: description, error_uri: DOCS + anchor };
}

export function registerGithubTokenRoute(app: FastifyInstance, core: EmulatorCore): void {
  app.post('/login/oauth/access_token', async (req, reply) => {
    core.github.counters.inc('tokenRequests');
    const fault = core.faults.pick('token', 'github');
    if (fault && (await applyFault(core.faults, fault, reply))) return reply;
    // GitHub's own examples pass the parameters in the query string; a body field wins over it.
    const body = req.body && typeof req.body === 'object' ? (req.body as Params) : {};
    const params = { ...(req.query as Params), ...body };
    // State changes (and counters) are committed here, before any hold.
    const answer = handleGithubToken(core, params, req.headers.authorization);
    if (!('error' in answer) && fault?.holdAfterIssueMs) {
      core.github.counters.inc('issuedAfterHold');
      await core.faults.sleep(fault.holdAfterIssueMs);
    }
    reply.code(200).header('cache-control', 'no-store').header('pragma', 'no-cache');
    const wire = wireBody(answer);
    if (wantsJson(req.headers.accept)) return reply.send(wire);
    const form = new URLSearchParams(Object.entries(wire).map(([k, v]) => [k, String(v)]));
    return reply.type('application/x-www-form-urlencoded; charset=utf-8').send(form.toString());
  });
}
