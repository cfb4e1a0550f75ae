// GET /login/oauth/authorize (the consent page), POST /login/oauth/authorize (the user's decision, as
// GitHub's own form posts back to the same path), and githubConsent() for tests without a browser.
import type { FastifyInstance } from 'fastify';
import { sendHtml, str } from '../authorize.ts';
import type { EmulatorCore } from '../core.ts';
import { opaque } from '../tokens.ts';
import type { ConsentResult } from '../types.ts';
import { defaultRedirect, redirectAllowed } from './directory.ts';
import { githubConsentPage, githubErrorPage } from './html.ts';
import type { GhPending } from './state.ts';
import type { GithubConsentInput } from './types.ts';

type Params = Record<string, unknown>;

/** Consent pages left undecided are forgotten oldest-first beyond this many. */
const MAX_PENDING = 10_000;
/** An S256 challenge: base64url of a SHA-256 hash, no padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const ACCESS_DENIED_URI =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied';

type Validation =
  { ok: true; pending: GhPending } | { ok: false; status: 400 | 404; message: string };

const fail = (status: 400 | 404, message: string): Validation => ({ ok: false, status, message });

export function validateGithubAuthorize(core: EmulatorCore, q: Params): Validation {
  const clientId = str(q, 'client_id');
  const app = clientId ? core.github.dir.apps.get(clientId) : undefined;
  // GitHub answers an unknown client with its 404 page; never a redirect.
  if (!clientId || !app) return fail(404, 'Invalid client_id: no GitHub App has this client id.');
  const given = str(q, 'redirect_uri');
  if (given !== undefined && !redirectAllowed(app, given)) {
    return fail(400, 'The redirect_uri is not associated with this application.');
  }
  const redirectUri = given ?? defaultRedirect(app);
  if (redirectUri === undefined) {
    return fail(400, "redirect_uri is required: the app's first callback URL is a pattern.");
  }
  const challenge = str(q, 'code_challenge');
  const method = str(q, 'code_challenge_method');
  if (challenge !== undefined) {
    if (method !== 'S256') {
      return fail(400, 'code_challenge_method must be S256 (plain is not supported).');
    }
    if (!S256_CHALLENGE.test(challenge)) {
      return fail(400, 'code_challenge must be a 43-character base64url SHA-256 hash.');
    }
  } else if (method !== undefined) {
    return fail(400, 'code_challenge_method was sent without a code_challenge.');
  }
  const pending: GhPending = { clientId, redirectUri };
  const state = str(q, 'state');
  if (state !== undefined) pending.state = state;
  if (challenge !== undefined) pending.challenge = challenge;
  const login = str(q, 'login');
  if (login) pending.login = login;
  return { ok: true, pending };
}

function redirectWith(uri: string, params: [string, string | undefined][]): string {
  const query = params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return uri + (uri.includes('?') ? '&' : '?') + query;
}

const bad = (message: string): ConsentResult => ({ status: 400, body: githubErrorPage(message) });

/** Applies the user's decision: the redirect (302) or an error page (400). */
export function decideGithub(
  core: EmulatorCore,
  p: GhPending,
  decision: string | undefined,
  login: string | undefined,
): ConsentResult {
  const { dir, tokens } = core.github;
  const app = dir.apps.get(p.clientId);
  if (!app) return bad('Invalid client_id: no GitHub App has this client id.');
  // The owner may have edited the callback URLs while the page was open: never redirect to one
  // that is no longer registered, not even with a denial.
  if (!redirectAllowed(app, p.redirectUri)) {
    return bad('The redirect_uri is not associated with this application.');
  }
  if (decision === 'deny') {
    return {
      status: 302,
      location: redirectWith(p.redirectUri, [
        ['error', 'access_denied'],
        ['error_description', 'The user has denied your application access.'],
        ['error_uri', ACCESS_DENIED_URI],
        ['state', p.state],
      ]),
    };
  }
  if (decision !== 'approve') return bad('The decision must be "approve" or "deny".');
  const wanted = login || p.login;
  const user = wanted
    ? (dir.userByLogin(wanted) ?? (login ? undefined : dir.users()[0]))
    : dir.users()[0];
  if (!user) return bad(login ? 'Unknown GitHub user.' : 'The emulator has no GitHub users.');
  const grant = dir.upsertGrant(user.id, app.clientId);
  const code = tokens.issueCode({
    clientId: app.clientId,
    grant,
    redirectUri: p.redirectUri,
    challenge: p.challenge,
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

/** What the consent page's buttons would do, without a browser. */
export function githubConsent(core: EmulatorCore, input: GithubConsentInput): ConsentResult {
  let url: URL;
  try {
    url = new URL(input.authorizeUrl, 'http://emulator.invalid');
  } catch {
    return bad('Invalid authorize URL.');
  }
  const v = validateGithubAuthorize(core, Object.fromEntries(url.searchParams));
  if (!v.ok) return { status: v.status, body: githubErrorPage(v.message) };
  return decideGithub(core, v.pending, input.decision, input.login);
}

export function registerGithubAuthorizeRoutes(app: FastifyInstance, core: EmulatorCore): void {
  app.get('/login/oauth/authorize', async (req, reply) => {
    const v = validateGithubAuthorize(core, req.query as Params);
    if (!v.ok) return sendHtml(reply, v.status, githubErrorPage(v.message));
    const { dir, pending } = core.github;
    const users = dir.users();
    if (users.length === 0) {
      return sendHtml(reply, 400, githubErrorPage('The emulator has no GitHub users.'));
    }
    const requestId = opaque(18);
    if (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
    pending.set(requestId, v.pending);
    const html = githubConsentPage({
      appName: dir.apps.get(v.pending.clientId)!.name,
      requestId,
      redirectUri: v.pending.redirectUri,
      signedIn: v.pending.login ? dir.userByLogin(v.pending.login) : undefined,
      users,
    });
    return sendHtml(reply, 200, html, v.pending.redirectUri);
  });

  app.post('/login/oauth/authorize', async (req, reply) => {
    const body = req.body as Params | undefined;
    const requestId = str(body, 'request_id');
    const pending = requestId ? core.github.pending.get(requestId) : undefined;
    if (!requestId || !pending) {
      const page = githubErrorPage('This authorization request is unknown or was used.');
      return sendHtml(reply, 400, page);
    }
    const result = decideGithub(core, pending, str(body, 'decision'), str(body, 'login'));
    if (result.status !== 302) return sendHtml(reply, result.status, result.body ?? '');
    core.github.pending.delete(requestId);
    return reply.code(302).header('cache-control', 'no-store').redirect(result.location!, 302);
  });
}
