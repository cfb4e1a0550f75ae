// Atlassian credentials other than 3LO: service accounts with OAuth 2.0 client credentials, and
// API tokens (classic ones of a user for the site URL, scoped ones for the api.atlassian.com gateway).
import { randomUUID } from 'node:crypto';
import { EmuInputError } from './errors.ts';
import type { Directory } from './state.ts';
import { opaque } from './tokens.ts';
import type {
  ApiTokenInput,
  EmuServiceAccount,
  EmuSite,
  ServiceAccountInput,
  SiteInput,
} from './types.ts';

export interface ServiceAccount {
  accountId: string;
  name: string;
  email: string;
  /** Shared with the grant of its credential, so tokens see sites added later. */
  siteIds: Set<string>;
}

export interface ServiceCredential {
  clientId: string;
  clientSecret: string;
  account: ServiceAccount;
  scopes: string[];
  accessTokenTtlSeconds?: number;
  revoked: boolean;
}

export interface ApiToken {
  token: string;
  accountId: string;
  email: string;
  scoped: boolean;
  expiresAt?: number;
  /** Undefined: every site of the account. */
  siteIds?: Set<string>;
  /** Scoped tokens only; undefined: unrestricted. */
  scopes?: string[];
  revoked: boolean;
}

/** Who a credential acts as: a user (`atlassian`) or a service account (`app`). */
export interface Identity {
  accountId: string;
  email: string;
  name: string;
  accountType: 'atlassian' | 'app';
  siteIds: ReadonlySet<string>;
}

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new EmuInputError(`${field} is required`);
  return v;
}

function strings(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) {
    throw new EmuInputError(`${field} must be an array of non-empty strings`);
  }
  return v as string[];
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'service'
  );
}

export class AccountStore {
  /** accountId -> service account. */
  readonly serviceAccounts = new Map<string, ServiceAccount>();
  /** clientId -> client-credentials credential. */
  readonly credentials = new Map<string, ServiceCredential>();
  readonly apiTokens = new Map<string, ApiToken>();

  constructor(private readonly dir: Directory) {}

  addServiceAccount(input: ServiceAccountInput): EmuServiceAccount {
    if (!input || typeof input !== 'object') throw new EmuInputError('an object is required');
    const clientId = text(input.clientId, 'clientId');
    const clientSecret = text(input.clientSecret, 'clientSecret');
    const name = text(input.name, 'name');
    const scopes = strings(input.scopes, 'scopes');
    if (scopes.length === 0) throw new EmuInputError('scopes must not be empty');
    const ttl = input.accessTokenTtlSeconds;
    if (ttl !== undefined && (!Number.isInteger(ttl) || ttl <= 0)) {
      throw new EmuInputError('accessTokenTtlSeconds must be a positive integer');
    }
    if (this.dir.apps.has(clientId) || this.credentials.has(clientId)) {
      throw new EmuInputError(`client ${clientId} already exists`, 409);
    }
    const accountId = input.accountId ?? `712020:${randomUUID()}`;
    text(accountId, 'accountId');
    if (this.identity(accountId)) {
      throw new EmuInputError(`account ${accountId} already exists`, 409);
    }
    const siteIds = strings(input.siteIds, 'siteIds');
    for (const id of siteIds) {
      if (!this.dir.sites.has(id)) throw new EmuInputError(`unknown site ${id}`, 404);
    }
    const newSites = input.sites ?? [];
    if (!Array.isArray(newSites)) throw new EmuInputError('sites must be an array');
    const created = newSites.map((s: SiteInput) => this.dir.addUnownedSite(s));
    const email =
      input.email === undefined
        ? `${slug(name)}-${opaque(4).toLowerCase()}@serviceaccount.atlassian.com`
        : text(input.email, 'email');
    const account: ServiceAccount = {
      accountId,
      name,
      email,
      siteIds: new Set([...siteIds, ...created.map((s) => s.id)]),
    };
    this.serviceAccounts.set(accountId, account);
    this.credentials.set(clientId, {
      clientId,
      clientSecret,
      account,
      scopes: [...new Set(scopes)],
      accessTokenTtlSeconds: ttl,
      revoked: false,
    });
    this.dir.serviceClientIds.add(clientId);
    return this.view(clientId);
  }

  view(clientId: string): EmuServiceAccount {
    const c = this.credential(clientId);
    const sites = [...c.account.siteIds]
      .map((id) => this.dir.sites.get(id))
      .filter((s): s is EmuSite => s !== undefined);
    return {
      accountId: c.account.accountId,
      name: c.account.name,
      email: c.account.email,
      clientId: c.clientId,
      scopes: [...c.scopes],
      sites,
    };
  }

  private credential(clientId: string): ServiceCredential {
    const c = this.credentials.get(clientId);
    if (!c) throw new EmuInputError(`unknown service-account credential ${clientId}`, 404);
    return c;
  }

  /** The admin deletes the credential: the token endpoint refuses it and its tokens die. */
  revokeCredential(clientId: string): boolean {
    const c = this.credentials.get(clientId);
    if (!c || c.revoked) return false;
    c.revoked = true;
    this.dir.revokeGrant(c.account.accountId, clientId);
    return true;
  }

  /** Secret rotation: the old secret stops working at once; issued tokens live on. */
  setSecret(clientId: string, secret: unknown): void {
    const c = this.credential(clientId);
    if (c.revoked) throw new EmuInputError(`credential ${clientId} was revoked`, 409);
    c.clientSecret = text(secret, 'clientSecret');
  }

  addApiToken(input: ApiTokenInput): string {
    if (!input || typeof input !== 'object') throw new EmuInputError('an object is required');
    const accountId = text(input.accountId, 'accountId');
    const who = this.identity(accountId);
    if (!who) throw new EmuInputError(`unknown account ${accountId}`, 404);
    if (typeof input.scoped !== 'boolean') throw new EmuInputError('scoped must be a boolean');
    if (
      input.email !== undefined &&
      text(input.email, 'email').toLowerCase() !== who.email.toLowerCase()
    ) {
      throw new EmuInputError(`email must be the account's (${who.email})`);
    }
    const expiresAt = input.expiresAt;
    if (expiresAt !== undefined && !Number.isFinite(expiresAt)) {
      throw new EmuInputError('expiresAt must be a time in ms');
    }
    let siteIds: Set<string> | undefined;
    if (input.siteIds !== undefined) {
      siteIds = new Set(strings(input.siteIds, 'siteIds'));
      for (const id of siteIds) {
        if (!who.siteIds.has(id)) throw new EmuInputError(`site ${id} is not the account's`);
      }
    }
    if (input.scopes !== undefined && !input.scoped) {
      throw new EmuInputError('only scoped tokens have scopes');
    }
    const token = input.token === undefined ? `ATATT3x${opaque(36)}` : text(input.token, 'token');
    if (this.apiTokens.has(token)) throw new EmuInputError('this token already exists', 409);
    this.apiTokens.set(token, {
      token,
      accountId,
      email: who.email,
      scoped: input.scoped,
      expiresAt,
      siteIds,
      scopes: input.scopes === undefined ? undefined : strings(input.scopes, 'scopes'),
      revoked: false,
    });
    return token;
  }

  revokeApiToken(token: string): boolean {
    const t = this.apiTokens.get(token);
    if (!t || t.revoked) return false;
    t.revoked = true;
    return true;
  }

  /** A user or a service account. */
  identity(accountId: string): Identity | undefined {
    const user = this.dir.users.get(accountId);
    if (user) {
      return {
        accountId,
        email: user.email,
        name: user.name,
        accountType: 'atlassian',
        siteIds: new Set(user.sites.map((s) => s.id)),
      };
    }
    const sa = this.serviceAccounts.get(accountId);
    if (!sa) return undefined;
    return { ...sa, accountType: 'app' };
  }
}
