// Who is calling an API route: a Bearer token (3LO or client credentials) or an API token over
// HTTP Basic (classic: the site URL only; scoped: the api.atlassian.com gateway only).
import type { EmulatorCore } from './core.ts';

export type CredentialKind = 'oauth' | 'scoped-token' | 'classic-token';

export interface Principal {
  accountId: string;
  email: string;
  name: string;
  accountType: 'atlassian' | 'app';
  /** Undefined: whatever the account itself may do (classic API tokens have no scopes). */
  scopes?: readonly string[];
  siteIds: ReadonlySet<string>;
  kind: CredentialKind;
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header || !/^bearer /i.test(header)) return undefined;
  return header.slice(7).trim() || undefined;
}

export function bearerPrincipal(
  core: EmulatorCore,
  header: string | undefined,
): Principal | undefined {
  const token = bearerToken(header);
  const at = token ? core.tokens.liveAccessToken(token, core.clock.now()) : undefined;
  if (!at) return undefined;
  const grant = at.family.grant;
  const who = core.accounts.identity(grant.accountId);
  if (!who) return undefined;
  return {
    accountId: who.accountId,
    email: who.email,
    name: who.name,
    accountType: who.accountType,
    scopes: at.family.scopes,
    siteIds: grant.siteIds,
    kind: 'oauth',
  };
}

function basicPair(header: string | undefined): { user: string; password: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i <= 0) return undefined;
  return { user: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

/** An API token presented as Basic `email:token`, if it is live and of the wanted kind. */
export function basicPrincipal(
  core: EmulatorCore,
  header: string | undefined,
  scoped: boolean,
): Principal | undefined {
  const pair = basicPair(header);
  const t = pair && core.accounts.apiTokens.get(pair.password);
  if (!pair || !t || t.revoked || t.scoped !== scoped) return undefined;
  if (t.email.toLowerCase() !== pair.user.toLowerCase()) return undefined;
  if (t.expiresAt !== undefined && core.clock.now() >= t.expiresAt) return undefined;
  const who = core.accounts.identity(t.accountId);
  if (!who) return undefined;
  const siteIds = t.siteIds
    ? new Set([...t.siteIds].filter((id) => who.siteIds.has(id)))
    : who.siteIds;
  return {
    accountId: who.accountId,
    email: who.email,
    name: who.name,
    accountType: who.accountType,
    scopes: t.scopes,
    siteIds,
    kind: scoped ? 'scoped-token' : 'classic-token',
  };
}
