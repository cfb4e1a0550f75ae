// Apps, users, sites and grants (one grant per account per app).
import { randomUUID } from 'node:crypto';
import { checkCallbackUrl } from './callback.ts';
import { EmuInputError } from './errors.ts';
import type { AppInput, EmuSite, EmuUser, Product, SiteInput, UserInput } from './types.ts';

export { EmuInputError };

export interface App {
  clientId: string;
  clientSecret: string;
  name: string;
  callbackUrl: string;
  scopes: Set<string>;
  accessTokenTtlSeconds?: number;
  issueRefreshTokenOnRefresh: boolean;
}

export interface Grant {
  accountId: string;
  clientId: string;
  /** Sites accumulate across consents (insertion order kept). */
  siteIds: Set<string>;
  scopes: string[];
  revoked: boolean;
  /** Access tokens issued under an older epoch are dead (revokeAccessTokens bumps it). */
  accessEpoch: number;
}

/** Scopes that need no registration on the app. */
export const IMPLICIT_SCOPES: ReadonlySet<string> = new Set(['offline_access', 'read:me']);
const PRODUCTS: ReadonlySet<string> = new Set(['jira', 'confluence']);

function nonEmpty(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new EmuInputError(`${field} is required`);
  return v;
}

function positiveInt(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new EmuInputError(`${field} must be a positive integer`);
  }
  return v;
}

export class Directory {
  readonly apps = new Map<string, App>();
  readonly users = new Map<string, EmuUser>();
  /** cloudId -> site (ids are unique across users). */
  readonly sites = new Map<string, EmuSite>();
  private readonly grants = new Map<string, Grant>();
  /** Client ids taken by service-account credentials (they share the namespace with apps). */
  readonly serviceClientIds = new Set<string>();

  addApp(a: AppInput): App {
    const callbackUrl = checkCallbackUrl(a.callbackUrl);
    if (!Array.isArray(a.scopes) || a.scopes.some((s) => typeof s !== 'string' || s === '')) {
      throw new EmuInputError('scopes must be an array of non-empty strings');
    }
    if (
      a.issueRefreshTokenOnRefresh !== undefined &&
      typeof a.issueRefreshTokenOnRefresh !== 'boolean'
    ) {
      throw new EmuInputError('issueRefreshTokenOnRefresh must be a boolean');
    }
    const clientId = nonEmpty(a.clientId, 'clientId');
    if (this.serviceClientIds.has(clientId)) {
      throw new EmuInputError(`client ${clientId} is a service-account credential`, 409);
    }
    const app: App = {
      clientId,
      clientSecret: nonEmpty(a.clientSecret, 'clientSecret'),
      name: nonEmpty(a.name, 'name'),
      callbackUrl,
      scopes: new Set(a.scopes),
      accessTokenTtlSeconds: positiveInt(a.accessTokenTtlSeconds, 'accessTokenTtlSeconds'),
      issueRefreshTokenOnRefresh: a.issueRefreshTokenOnRefresh ?? true,
    };
    this.apps.set(app.clientId, app);
    return app;
  }

  /** What an admin does when editing the app's callback URL in the developer console. */
  setAppCallback(clientId: string, callbackUrl: unknown): App {
    const app = this.apps.get(clientId);
    if (!app) throw new EmuInputError(`unknown app ${clientId}`, 404);
    app.callbackUrl = checkCallbackUrl(callbackUrl);
    return app;
  }

  addUser(u: UserInput): EmuUser {
    const accountId = u.accountId ?? `712020:${randomUUID()}`;
    nonEmpty(accountId, 'accountId');
    if (this.users.has(accountId)) {
      throw new EmuInputError(`account ${accountId} already exists`, 409);
    }
    const sites = u.sites ?? [];
    if (!Array.isArray(sites)) throw new EmuInputError('sites must be an array');
    const user: EmuUser = {
      accountId,
      email: nonEmpty(u.email, 'email'),
      name: nonEmpty(u.name, 'name'),
      sites: [],
    };
    const built = sites.map((s) => this.buildSite(s));
    const ids = new Set(built.map((s) => s.id));
    if (ids.size !== built.length) throw new EmuInputError('duplicate site id');
    this.users.set(accountId, user);
    for (const site of built) this.attach(user, site);
    return user;
  }

  addSite(accountId: string, s: SiteInput): EmuSite {
    const user = this.users.get(accountId);
    if (!user) throw new EmuInputError(`unknown account ${accountId}`, 404);
    const site = this.buildSite(s);
    this.attach(user, site);
    return site;
  }

  /** A site that belongs to no user (a service account's site may be one). */
  addUnownedSite(s: SiteInput): EmuSite {
    const site = this.buildSite(s);
    this.sites.set(site.id, site);
    return site;
  }

  /** Sites whose cloud id or name is `key` (names need not be unique). */
  sitesByKey(key: string): EmuSite[] {
    const byId = this.sites.get(key);
    if (byId) return [byId];
    return [...this.sites.values()].filter((s) => s.name === key);
  }

  private buildSite(s: SiteInput): EmuSite {
    if (!s || typeof s !== 'object') throw new EmuInputError('site must be an object');
    const id = s.id ?? randomUUID();
    nonEmpty(id, 'site.id');
    if (this.sites.has(id)) throw new EmuInputError(`site ${id} already exists`, 409);
    const products: Product[] = s.products ?? ['jira', 'confluence'];
    if (!Array.isArray(products) || products.some((p) => !PRODUCTS.has(p))) {
      throw new EmuInputError("site.products must contain only 'jira' and/or 'confluence'");
    }
    return {
      id,
      name: nonEmpty(s.name, 'site.name'),
      url: nonEmpty(s.url, 'site.url'),
      products: [...new Set(products)],
      avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/site.png',
    };
  }

  private attach(user: EmuUser, site: EmuSite): void {
    this.sites.set(site.id, site);
    user.sites.push(site);
  }

  getGrant(accountId: string, clientId: string): Grant | undefined {
    return this.grants.get(`${accountId}\u0000${clientId}`);
  }

  /** Creates the grant or extends it: sites accumulate, scopes become the requested ones. */
  upsertGrant(accountId: string, clientId: string, siteIds: string[], scopes: string[]): Grant {
    const key = `${accountId}\u0000${clientId}`;
    let grant = this.grants.get(key);
    if (!grant) {
      grant = { accountId, clientId, siteIds: new Set(), scopes, revoked: false, accessEpoch: 0 };
      this.grants.set(key, grant);
    }
    grant.scopes = scopes;
    for (const id of siteIds) grant.siteIds.add(id);
    return grant;
  }

  /** Every access token issued so far under the grant dies; refresh tokens keep working. */
  revokeAccessTokens(accountId: string, clientId: string): boolean {
    const grant = this.getGrant(accountId, clientId);
    if (!grant) return false;
    grant.accessEpoch++;
    return true;
  }

  /** The user revoked the app: the grant dies with every code and token issued under it. */
  revokeGrant(accountId: string, clientId: string): boolean {
    const key = `${accountId}\u0000${clientId}`;
    const grant = this.grants.get(key);
    if (!grant) return false;
    grant.revoked = true;
    this.grants.delete(key);
    return true;
  }
}
