// Auth codes, refresh-token families, refresh and access tokens. O(1) lookups by token string.
import { randomBytes } from 'node:crypto';
import type { Grant } from './state.ts';

export const DAY_MS = 86_400_000;
export const INACTIVITY_MS = 90 * DAY_MS;
export const ABSOLUTE_MS = 365 * DAY_MS;
/** Older access tokens of a family die this long after a refresh (companion revocation). */
export const COMPANION_MS = 600_000;

export function opaque(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  grant: Grant;
  challenge?: string;
  challengeMethod?: 'S256' | 'plain';
  expiresAt: number;
  used: boolean;
  /** The family created when the code was exchanged (revoked if the code is replayed). */
  family?: Family;
}

export interface Family {
  id: string;
  grant: Grant;
  clientId: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt: number;
  revoked: boolean;
  /** Generation counter; the refresh token with gen === currentGen is current (never spent). */
  nextGen: number;
  currentGen: number;
  /** The most recently spent generation (-1: none) and when it was first spent. */
  lastSpentGen: number;
  lastSpentAt: number;
  /** Access tokens that may still be alive (pruned on refresh). */
  liveAccess: AccessToken[];
}

export interface RefreshEntry {
  family: Family;
  gen: number;
}

export interface AccessToken {
  family: Family;
  expiresAt: number;
  /** The grant's accessEpoch when issued. */
  epoch: number;
}

export class TokenStore {
  readonly codes = new Map<string, AuthCode>();
  readonly refresh = new Map<string, RefreshEntry>();
  readonly access = new Map<string, AccessToken>();

  issueCode(c: Omit<AuthCode, 'used' | 'family'>): string {
    const code = opaque(24);
    this.codes.set(code, { ...c, used: false });
    return code;
  }

  createFamily(grant: Grant, clientId: string, scopes: string[], now: number): Family {
    return {
      id: `fam_${opaque(12)}`,
      grant,
      clientId,
      scopes,
      createdAt: now,
      lastUsedAt: now,
      revoked: false,
      nextGen: 0,
      currentGen: -1,
      lastSpentGen: -1,
      lastSpentAt: 0,
      liveAccess: [],
    };
  }

  /** Issues a new refresh token and makes it the family's current one. */
  issueRefresh(family: Family): string {
    const token = opaque(32);
    const gen = family.nextGen++;
    family.currentGen = gen;
    this.refresh.set(token, { family, gen });
    return token;
  }

  issueAccess(family: Family, ttlSeconds: number, now: number): string {
    const token = opaque(32);
    const at: AccessToken = {
      family,
      expiresAt: now + ttlSeconds * 1000,
      epoch: family.grant.accessEpoch,
    };
    this.access.set(token, at);
    family.liveAccess.push(at);
    return token;
  }

  /** After a refresh: older access tokens die COMPANION_MS from now if they would live longer. */
  companionRevoke(family: Family, keep: number, now: number): void {
    const cap = now + COMPANION_MS;
    const alive: AccessToken[] = [];
    for (let i = 0; i < family.liveAccess.length; i++) {
      const at = family.liveAccess[i]!;
      if (at.expiresAt <= now) continue;
      if (i < family.liveAccess.length - keep && at.expiresAt > cap) at.expiresAt = cap;
      alive.push(at);
    }
    family.liveAccess = alive;
  }

  /** The access token if it is alive (known, unexpired, family and grant not revoked). */
  liveAccessToken(token: string, now: number): AccessToken | undefined {
    const at = this.access.get(token);
    if (!at || at.expiresAt <= now || at.family.revoked) return undefined;
    const grant = at.family.grant;
    if (grant.revoked || at.epoch !== grant.accessEpoch) return undefined;
    return at;
  }

  revokeFamily(family: Family): void {
    family.revoked = true;
    family.liveAccess = [];
  }
}

export function familyExpired(f: Family, now: number): boolean {
  return now - f.lastUsedAt > INACTIVITY_MS || now - f.createdAt > ABSOLUTE_MS;
}
