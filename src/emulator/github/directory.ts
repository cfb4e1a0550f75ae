// GitHub apps, users with their repositories and issues, and grants (a user's authorization of an
// app: every token of that user for that app hangs off it).
import { randomBytes } from 'node:crypto';
import { callbackMatches, checkCallbackUrl, isCallbackPattern } from '../callback.ts';
import { EmuInputError } from '../errors.ts';
import { optionalBool, optionalText, positiveInt, text } from './input.ts';
import type { Chain } from './tokens.ts';
import type {
  GithubAppInput,
  GithubIssueInput,
  GithubRepoInput,
  GithubUserInput,
} from './types.ts';

export const DEFAULT_ACCESS_TTL_SECONDS = 28_800;
export const DEFAULT_REFRESH_TTL_SECONDS = 15_897_600;
/** GitHub lets an app register at most ten callback URLs. */
const MAX_CALLBACKS = 10;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;

export interface GhApp {
  clientId: string;
  clientSecret: string;
  name: string;
  callbackUrls: string[];
  expiringTokens: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  revokeGrantOnRefreshReuse: boolean;
}

export interface GhIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  authorId: number;
  createdAt: number;
  updatedAt: number;
}

export interface GhRepo {
  id: number;
  name: string;
  owner: GhUser;
  private: boolean;
  description: string | null;
  createdAt: number;
  issues: GhIssue[];
}

export interface GhUser {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  emailVerified: boolean;
  createdAt: number;
  repos: GhRepo[];
}

export interface GhGrant {
  userId: number;
  clientId: string;
  revoked: boolean;
  /** One chain of rotating tokens per code exchange. */
  chains: Set<Chain>;
}

function callbackList(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_CALLBACKS) {
    throw new EmuInputError(`callbackUrls must be an array of 1 to ${MAX_CALLBACKS} URLs`);
  }
  return v.map((u) => checkCallbackUrl(u));
}

/** Whether redirect_uri is one of the app's callback URLs (exact, or matching a `/*` pattern). */
export function redirectAllowed(app: GhApp, redirectUri: string): boolean {
  return app.callbackUrls.some((c) => callbackMatches(c, redirectUri));
}

/** Where GitHub sends the user when the request names no redirect_uri: the first callback URL. */
export function defaultRedirect(app: GhApp): string | undefined {
  const first = app.callbackUrls[0];
  return first && !isCallbackPattern(first) ? first : undefined;
}

export class GithubDirectory {
  readonly apps = new Map<string, GhApp>();
  private readonly usersById = new Map<number, GhUser>();
  /** Lower-cased login -> user (GitHub logins are case-insensitive). */
  private readonly usersByLogin = new Map<string, GhUser>();
  private readonly grants = new Map<string, GhGrant>();
  private nextUserId = 1_000_001;
  private nextRepoId = 700_000_001;
  private nextIssueId = 2_000_000_001;

  addApp(a: GithubAppInput): GhApp {
    if (!a || typeof a !== 'object') throw new EmuInputError('an object is required');
    const clientId =
      a.clientId === undefined
        ? `Iv1.${randomBytes(8).toString('hex')}`
        : text(a.clientId, 'clientId');
    if (this.apps.has(clientId)) throw new EmuInputError(`app ${clientId} already exists`, 409);
    const app: GhApp = {
      clientId,
      clientSecret: text(a.clientSecret, 'clientSecret'),
      name: text(a.name, 'name'),
      callbackUrls: callbackList(a.callbackUrls),
      expiringTokens: optionalBool(a.expiringTokens, 'expiringTokens', true),
      accessTokenTtlSeconds: positiveInt(
        a.accessTokenTtlSeconds,
        'accessTokenTtlSeconds',
        DEFAULT_ACCESS_TTL_SECONDS,
      ),
      refreshTokenTtlSeconds: positiveInt(
        a.refreshTokenTtlSeconds,
        'refreshTokenTtlSeconds',
        DEFAULT_REFRESH_TTL_SECONDS,
      ),
      revokeGrantOnRefreshReuse: optionalBool(
        a.revokeGrantOnRefreshReuse,
        'revokeGrantOnRefreshReuse',
        false,
      ),
    };
    this.apps.set(clientId, app);
    return app;
  }

  /** What the app's owner does in its settings: replace the callback URLs. */
  setCallbacks(clientId: string, urls: unknown): GhApp {
    const app = this.apps.get(clientId);
    if (!app) throw new EmuInputError(`unknown GitHub app ${clientId}`, 404);
    app.callbackUrls = callbackList(urls);
    return app;
  }

  addUser(u: GithubUserInput, now: number): GhUser {
    if (!u || typeof u !== 'object') throw new EmuInputError('an object is required');
    const login = text(u.login, 'login');
    if (!LOGIN.test(login)) {
      throw new EmuInputError('login must be letters, digits and single inner hyphens (≤ 39)');
    }
    if (this.usersByLogin.has(login.toLowerCase())) {
      throw new EmuInputError(`login ${login} is taken`, 409);
    }
    const id = positiveInt(u.id, 'id', this.nextUserId);
    if (this.usersById.has(id)) throw new EmuInputError(`user id ${id} is taken`, 409);
    const repos = u.repos ?? [];
    if (!Array.isArray(repos)) throw new EmuInputError('repos must be an array');
    const user: GhUser = {
      id,
      login,
      name: optionalText(u.name, 'name'),
      email: optionalText(u.email, 'email'),
      emailVerified: optionalBool(u.emailVerified, 'emailVerified', true),
      createdAt: now,
      repos: [],
    };
    const names = repos.map((r: GithubRepoInput) => this.checkRepo(user, r).name.toLowerCase());
    if (new Set(names).size !== names.length) throw new EmuInputError('duplicate repo name');
    this.nextUserId = Math.max(this.nextUserId, id + 1);
    this.usersById.set(id, user);
    this.usersByLogin.set(login.toLowerCase(), user);
    for (const r of repos) this.addRepo(login, r, now);
    return user;
  }

  user(id: number): GhUser | undefined {
    return this.usersById.get(id);
  }

  userByLogin(login: string): GhUser | undefined {
    return this.usersByLogin.get(login.toLowerCase());
  }

  users(): GhUser[] {
    return [...this.usersById.values()];
  }

  private checkRepo(owner: GhUser, r: GithubRepoInput): GithubRepoInput {
    if (!r || typeof r !== 'object') throw new EmuInputError('a repo must be an object');
    const name = text(r.name, 'repo.name');
    if (!REPO_NAME.test(name) || name === '.' || name === '..') {
      throw new EmuInputError('repo.name must be letters, digits, ".", "-" or "_" (≤ 100)');
    }
    if (owner.repos.some((x) => x.name.toLowerCase() === name.toLowerCase())) {
      throw new EmuInputError(`repo ${owner.login}/${name} already exists`, 409);
    }
    optionalBool(r.private, 'repo.private', false);
    optionalText(r.description, 'repo.description');
    return r;
  }

  addRepo(login: string, r: GithubRepoInput, now: number): GhRepo {
    const owner = this.userByLogin(login);
    if (!owner) throw new EmuInputError(`unknown GitHub user ${login}`, 404);
    this.checkRepo(owner, r);
    const repo: GhRepo = {
      id: this.nextRepoId++,
      name: r.name,
      owner,
      private: r.private ?? false,
      description: r.description ?? null,
      createdAt: now,
      issues: [],
    };
    owner.repos.push(repo);
    return repo;
  }

  repo(owner: string, name: string): GhRepo | undefined {
    const lower = name.toLowerCase();
    return this.userByLogin(owner)?.repos.find((r) => r.name.toLowerCase() === lower);
  }

  addIssue(repo: GhRepo, input: GithubIssueInput, authorId: number, now: number): GhIssue {
    if (!input || typeof input !== 'object') throw new EmuInputError('an object is required');
    const issue: GhIssue = {
      id: this.nextIssueId++,
      number: repo.issues.length + 1,
      title: text(input.title, 'title'),
      body: optionalText(input.body, 'body'),
      state: 'open',
      authorId,
      createdAt: now,
      updatedAt: now,
    };
    repo.issues.push(issue);
    return issue;
  }

  grant(userId: number, clientId: string): GhGrant | undefined {
    return this.grants.get(`${userId}\u0000${clientId}`);
  }

  /** The user's authorization of the app, created at the first approval. */
  upsertGrant(userId: number, clientId: string): GhGrant {
    const key = `${userId}\u0000${clientId}`;
    let grant = this.grants.get(key);
    if (!grant) {
      grant = { userId, clientId, revoked: false, chains: new Set() };
      this.grants.set(key, grant);
    }
    return grant;
  }

  /** The grant dies with every code and token issued under it; a new approval starts afresh. */
  revokeGrant(userId: number, clientId: string): boolean {
    const key = `${userId}\u0000${clientId}`;
    const grant = this.grants.get(key);
    if (!grant) return false;
    grant.revoked = true;
    this.grants.delete(key);
    return true;
  }
}
