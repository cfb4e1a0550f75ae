// GitHub authorization codes and user tokens. A code exchange starts a chain; each refresh replaces
// the chain's pair at once: the spent refresh token and the previous access token die, no leeway.
import { randomBytes } from 'node:crypto';
import type { GhApp, GhGrant } from './directory.ts';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `count` random base62 characters (rejection sampling keeps them uniform). */
export function base62(count: number): string {
  let out = '';
  while (out.length < count) {
    for (const b of randomBytes(count * 2)) {
      if (b < 248 && out.length < count) out += BASE62[b % 62];
    }
  }
  return out;
}

export interface GhCode {
  clientId: string;
  grant: GhGrant;
  /** The redirect_uri the user was sent to (the request's, or the app's first callback URL). */
  redirectUri: string;
  /** S256 challenge, if the authorize request sent one. */
  challenge?: string;
  expiresAt: number;
  used: boolean;
}

export interface Chain {
  id: string;
  grant: GhGrant;
  clientId: string;
  createdAt: number;
  /** The live pair (undefined once rotated away or revoked). */
  access?: string;
  refresh?: string;
  revoked: boolean;
}

export interface GhAccess {
  chain: Chain;
  /** null: the app opted out of expiring tokens; the token lives until revoked. */
  expiresAt: number | null;
}

export interface GhRefresh {
  chain: Chain;
  expiresAt: number;
  /** Kept after use so that a second use can be told apart from an unknown token. */
  spent: boolean;
}

export interface IssuedTokens {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
  scope: '';
  token_type: 'bearer';
}

export class GithubTokens {
  readonly codes = new Map<string, GhCode>();
  readonly access = new Map<string, GhAccess>();
  readonly refresh = new Map<string, GhRefresh>();

  /** GitHub's codes are 20 hex digits. */
  issueCode(c: Omit<GhCode, 'used'>): string {
    const code = randomBytes(10).toString('hex');
    this.codes.set(code, { ...c, used: false });
    return code;
  }

  startChain(grant: GhGrant, clientId: string, now: number): Chain {
    const chain: Chain = {
      id: `ghc_${base62(12)}`,
      grant,
      clientId,
      createdAt: now,
      revoked: false,
    };
    grant.chains.add(chain);
    return chain;
  }

  /** Issues the chain's next pair; the previous access token dies, the previous refresh is spent. */
  issue(chain: Chain, app: GhApp, now: number): IssuedTokens {
    this.retire(chain);
    const access = `ghu_${base62(36)}`;
    const out: IssuedTokens = { access_token: access, scope: '', token_type: 'bearer' };
    if (!app.expiringTokens) {
      this.access.set(access, { chain, expiresAt: null });
      chain.access = access;
      return out;
    }
    const refresh = `ghr_${base62(76)}`;
    this.access.set(access, { chain, expiresAt: now + app.accessTokenTtlSeconds * 1000 });
    this.refresh.set(refresh, {
      chain,
      expiresAt: now + app.refreshTokenTtlSeconds * 1000,
      spent: false,
    });
    chain.access = access;
    chain.refresh = refresh;
    return {
      access_token: access,
      expires_in: app.accessTokenTtlSeconds,
      refresh_token: refresh,
      refresh_token_expires_in: app.refreshTokenTtlSeconds,
      scope: '',
      token_type: 'bearer',
    };
  }

  /** The access token if it is alive: known, current in its chain, unexpired, grant not revoked. */
  liveAccess(token: string, now: number): GhAccess | undefined {
    const at = this.access.get(token);
    if (!at || at.chain.revoked || at.chain.grant.revoked) return undefined;
    if (at.expiresAt !== null && now >= at.expiresAt) return undefined;
    return at;
  }

  revokeChain(chain: Chain): void {
    chain.revoked = true;
    this.retire(chain);
  }

  private retire(chain: Chain): void {
    if (chain.access) this.access.delete(chain.access);
    const spent = chain.refresh ? this.refresh.get(chain.refresh) : undefined;
    if (spent) spent.spent = true;
    chain.access = undefined;
    chain.refresh = undefined;
  }
}
