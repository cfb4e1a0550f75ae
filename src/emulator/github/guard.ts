// What every GitHub API route shares: GitHub's error shape, authentication with user access tokens,
// API faults (403/429 as secondary rate limits) and the primary rate limit.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorCore } from '../core.ts';
import { DEFAULT_API_RETRY_AFTER_SECONDS, type FaultController } from '../faults.ts';
import type { Faults } from '../types.ts';
import type { GhUser } from './directory.ts';
import { rateHeaders, type RateStatus } from './rate-limit.ts';
import type { GhAccess } from './tokens.ts';

export const REST_DOCS = 'https://docs.github.com/rest';
export const RATE_DOCS =
  'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';
/** The REST API versions the emulator answers to (X-GitHub-Api-Version). */
export const API_VERSIONS: ReadonlySet<string> = new Set(['2022-11-28']);

/** GitHub's error body: a message, a documentation link and the status as a string. */
export function ghError(status: number, message: string, documentationUrl = REST_DOCS) {
  return { message, documentation_url: documentationUrl, status: String(status) };
}

export interface GhPrincipal {
  user: GhUser;
  access: GhAccess;
}

/** The token of `Authorization: Bearer …` or GitHub's older `Authorization: token …`. */
function presentedToken(header: string | undefined): string | undefined {
  const m = header ? /^(?:bearer|token) +(\S+)\s*$/i.exec(header) : null;
  return m?.[1];
}

export function livePrincipal(
  core: EmulatorCore,
  token: string | undefined,
): GhPrincipal | undefined {
  const access = token ? core.github.tokens.liveAccess(token, core.clock.now()) : undefined;
  const user = access && core.github.dir.user(access.chain.grant.userId);
  return access && user ? { user, access } : undefined;
}

/** Latency, then the fault's status: 403/429 as GitHub's secondary rate limit. True if answered. */
export async function applyGithubFault(
  ctl: FaultController,
  f: Faults,
  reply: FastifyReply,
  rate: RateStatus | undefined,
): Promise<boolean> {
  if (f.latencyMs) await ctl.sleep(f.latencyMs);
  if (!f.status) return false;
  const limited = f.status === 403 || f.status === 429;
  const retryAfter = f.retryAfterSeconds ?? (limited ? DEFAULT_API_RETRY_AFTER_SECONDS : undefined);
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  if (rate) reply.headers(rateHeaders(rate));
  const body = limited
    ? ghError(
        f.status,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        `${RATE_DOCS}#about-secondary-rate-limits`,
      )
    : ghError(f.status, 'Server Error');
  await reply.code(f.status).send(body);
  return true;
}

/**
 * What every user-token route runs first: the API version, faults, authentication and the
 * primary rate limit. Undefined = already answered.
 */
export async function guard(
  core: EmulatorCore,
  req: FastifyRequest,
  reply: FastifyReply,
  count = true,
): Promise<GhPrincipal | undefined> {
  const version = req.headers['x-github-api-version'];
  if (version !== undefined && (typeof version !== 'string' || !API_VERSIONS.has(version))) {
    const shown = Array.isArray(version) ? version.join(', ') : version;
    await reply
      .code(400)
      .send(ghError(400, `API version ${JSON.stringify(shown)} is not supported.`));
    return undefined;
  }
  const token = presentedToken(req.headers.authorization);
  const principal = livePrincipal(core, token);
  const now = core.clock.now();
  const fault = core.faults.pick('api', 'github');
  const peek = principal && core.github.rate.peek(principal.user.id, now);
  if (fault && (await applyGithubFault(core.faults, fault, reply, peek))) return undefined;
  if (!principal) {
    if (token) core.github.counters.inc('badCredentials');
    const message = token ? 'Bad credentials' : 'Requires authentication';
    await reply.code(401).send(ghError(401, message));
    return undefined;
  }
  if (!count) {
    reply.headers(rateHeaders(peek!));
    return principal;
  }
  const rate = core.github.rate.consume(principal.user.id, now);
  reply.headers(rateHeaders(rate));
  if (rate.exceeded) {
    core.github.counters.inc('rateLimited');
    const message = `API rate limit exceeded for user ID ${principal.user.id}.`;
    await reply.code(403).send(ghError(403, message, RATE_DOCS));
    return undefined;
  }
  return principal;
}

/** The public fields of a user, as GitHub embeds them (owner, author). */
export function simpleUser(base: string, u: GhUser) {
  return {
    login: u.login,
    id: u.id,
    node_id: Buffer.from(`04:User${u.id}`).toString('base64'),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    url: `${base}/users/${u.login}`,
    html_url: `${base}/${u.login}`,
    type: 'User',
    site_admin: false,
  };
}

export function origin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** GitHub's timestamps: ISO 8601 in whole seconds. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
