// GET /authorize (consent page) and POST /authorize/decision, plus the programmatic consent().
import type { FastifyInstance, FastifyReply } from 'fastify';
import { callbackMatches } from './callback.ts';
import type { EmulatorCore, PendingAuthorization } from './core.ts';
import { consentPage, contentSecurityPolicy, errorPage } from './html.ts';
import { IMPLICIT_SCOPES } from './state.ts';
import { opaque } from './tokens.ts';
import type { ConsentInput, ConsentResult } from './types.ts';

type Params = Record<string, unknown>;

/** Consent pages left undecided are forgotten oldest-first beyond this many. */
const MAX_PENDING = 10_000;

/** First string value of a query/body field (repeated fields: the first wins). */
export function str(p: Params | undefined, key: string): string | undefined {
  const v = p?.[key];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

type Validation = { ok: true; pending: PendingAuthorization } | { ok: false; message: string };

export function validateAuthorize(core: EmulatorCore, q: Params): Validation {
  const fail = (message: string): Validation => ({ ok: false, message });
  const clientId = str(q, 'client_id');
  const app = clientId ? core.dir.apps.get(clientId) : undefined;
  if (!clientId || !app) return fail('Invalid client_id: this app does not exist.');
  const redirectUri = str(q, 'redirect_uri');
  if (!redirectUri || !callbackMatches(app.callbackUrl, redirectUri)) {
    return fail("The redirect_uri does not match the app's callback URL.");
  }
  if (str(q, 'response_type') !== 'code') return fail('Unsupported response_type: use "code".');
  const state = str(q, 'state');
  if (!state) return fail('The state parameter is required.');
  const audience = str(q, 'audience');
  if (audience !== undefined && audience !== 'api.atlassian.com') {
    return fail('Invalid audience: use api.atlassian.com.');
  }
  const scopes = [...new Set((str(q, 'scope') ?? '').split(/\s+/).filter(Boolean))];
  if (scopes.length === 0)
    return fail('This app has not requested any supported Atlassian scopes.');
  if (scopes.some((s) => !IMPLICIT_SCOPES.has(s) && !app.scopes.has(s))) {
    return fail('This app has requested scopes that have not been added to the app');
  }
  const challenge = str(q, 'code_challenge');
  const method = str(q, 'code_challenge_method') ?? 'plain';
  if (challenge !== undefined && method !== 'S256' && method !== 'plain') {
    return fail('Unsupported code_challenge_method: use S256.');
  }
  const pending: PendingAuthorization = { clientId, redirectUri, scopes, state };
  if (challenge !== undefined) {
    pending.challenge = challenge;
    pending.challengeMethod = method as 'S256' | 'plain';
  }
  return { ok: true, pending };
}

function redirectWith(uri: string, params: [string, string][]): string {
  const sep = uri.includes('?') ? '&' : '?';
  return uri + sep + params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
}

const bad = (message: string): ConsentResult => ({ status: 400, body: errorPage(message) });

export interface Decision {
  decision: string | undefined;
  accountId?: string;
  siteIds?: string[];
}

/** Applies the user's decision. Returns the redirect (302) or an error page (400). */
export function decide(core: EmulatorCore, p: PendingAuthorization, d: Decision): ConsentResult {
  const app = core.dir.apps.get(p.clientId);
  if (!app) return bad('Invalid client_id: this app does not exist.');
  // The admin may have changed the callback URL while the consent page was open: never redirect
  // to a URL that is no longer registered, not even with a denial.
  if (!callbackMatches(app.callbackUrl, p.redirectUri)) {
    return bad("The redirect_uri does not match the app's callback URL.");
  }
  if (d.decision === 'deny') {
    const location = redirectWith(p.redirectUri, [
      ['error', 'access_denied'],
      ['error_description', 'User did not authorize the request'],
      ['state', p.state],
    ]);
    return { status: 302, location };
  }
  if (d.decision !== 'approve') return bad('The decision must be "approve" or "deny".');
  const user = d.accountId ? core.dir.users.get(d.accountId) : core.dir.users.values().next().value;
  if (!user) {
    return bad(d.accountId ? 'Unknown account.' : 'The emulator has no users; add one first.');
  }
  let siteIds = d.siteIds?.filter(Boolean) ?? [];
  if (siteIds.length === 0 && user.sites.length > 0) siteIds = [user.sites[0]!.id];
  for (const id of siteIds) {
    if (!user.sites.some((s) => s.id === id)) {
      return bad('The chosen site does not belong to the chosen account.');
    }
  }
  const grant = core.dir.upsertGrant(user.accountId, app.clientId, siteIds, p.scopes);
  const code = core.tokens.issueCode({
    clientId: app.clientId,
    redirectUri: p.redirectUri,
    scopes: p.scopes,
    grant,
    challenge: p.challenge,
    challengeMethod: p.challengeMethod,
    expiresAt: core.clock.now() + core.opts.authCodeTtlSeconds * 1000,
  });
  return {
    status: 302,
    location: redirectWith(p.redirectUri, [
      ['code', code],
      ['state', p.state],
    ]),
  };
}

/** What the browser's button click would do, without a browser. */
export function consent(core: EmulatorCore, input: ConsentInput): ConsentResult {
  let url: URL;
  try {
    url = new URL(input.authorizeUrl, 'http://emulator.invalid');
  } catch {
    return bad('Invalid authorize URL.');
  }
  const v = validateAuthorize(core, Object.fromEntries(url.searchParams));
  if (!v.ok) return bad(v.message);
  return decide(core, v.pending, {
    decision: input.decision,
    accountId: input.accountId,
    siteIds: input.siteIds,
  });
}

export function sendHtml(reply: FastifyReply, status: number, html: string, redirectUri?: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', contentSecurityPolicy(redirectUri))
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .send(html);
}

export function registerAuthorizeRoutes(app: FastifyInstance, core: EmulatorCore): void {
  app.get('/authorize', async (req, reply) => {
    const v = validateAuthorize(core, req.query as Params);
    if (!v.ok) return sendHtml(reply, 400, errorPage(v.message));
    const users = [...core.dir.users.values()];
    if (users.length === 0) {
      return sendHtml(reply, 400, errorPage('The emulator has no users; add one first.'));
    }
    const requestId = opaque(18);
    if (core.pending.size >= MAX_PENDING) {
      core.pending.delete(core.pending.keys().next().value!);
    }
    core.pending.set(requestId, v.pending);
    const appName = core.dir.apps.get(v.pending.clientId)!.name;
    const html = consentPage({ appName, scopes: v.pending.scopes, requestId, users });
    return sendHtml(reply, 200, html, v.pending.redirectUri);
  });

  app.post('/authorize/decision', async (req, reply) => {
    const body = req.body as Params | undefined;
    const requestId = str(body, 'request_id');
    const pending = requestId ? core.pending.get(requestId) : undefined;
    if (!requestId || !pending) {
      return sendHtml(reply, 400, errorPage('This authorization request is unknown or was used.'));
    }
    const siteId = str(body, 'site_id');
    const result = decide(core, pending, {
      decision: str(body, 'decision'),
      accountId: str(body, 'account_id') || undefined,
      siteIds: siteId ? [siteId] : undefined,
    });
    if (result.status !== 302) return sendHtml(reply, result.status, result.body ?? '');
    core.pending.delete(requestId);
    return reply.code(302).header('cache-control', 'no-store').redirect(result.location!, 302);
  });
}
