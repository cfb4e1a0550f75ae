// Public types of the Atlassian OAuth 2.0 (3LO) emulator, which also emulates GitHub (the GitHub
// types live in github/types.ts and are re-exported here). Shares nothing with the vault.
import type {
  GithubAppInput,
  GithubAppView,
  GithubConsentInput,
  GithubCounters,
  GithubIssueInput,
  GithubIssueRef,
  GithubRepo,
  GithubRepoInput,
  GithubUser,
  GithubUserInput,
} from './github/types.ts';

export type * from './github/types.ts';

export type Product = 'jira' | 'confluence';

export interface AppInput {
  clientId: string;
  clientSecret: string;
  name: string;
  /**
   * Exact URL (redirect_uri must equal it), or a pattern ending in `/*` that matches one more
   * non-empty path segment (the demo app's per-auth-config callbacks).
   */
  callbackUrl: string;
  scopes: string[];
  accessTokenTtlSeconds?: number;
  /** Default true; false => refresh responses omit refresh_token and the presented one stays current. */
  issueRefreshTokenOnRefresh?: boolean;
}

export interface SiteInput {
  /** cloudId (uuid); generated when absent. */
  id?: string;
  name: string;
  url: string;
  /** Default ['jira', 'confluence']. */
  products?: Product[];
}

export interface EmuSite {
  id: string;
  name: string;
  url: string;
  products: Product[];
  avatarUrl: string;
}

export interface UserInput {
  accountId?: string;
  email: string;
  name: string;
  sites: SiteInput[];
}

export interface EmuUser {
  accountId: string;
  email: string;
  name: string;
  sites: EmuSite[];
}

export interface Faults {
  target?: 'token' | 'api' | 'all';
  /** Default: both. `github` = /login/oauth/access_token and the GitHub API routes. */
  provider?: 'atlassian' | 'github';
  /** 403 is GitHub's secondary rate limit: only with provider 'github' and target 'api'. */
  status?: 500 | 502 | 503 | 429 | 403;
  rate?: number;
  count?: number;
  latencyMs?: number;
  retryAfterSeconds?: number;
  holdAfterIssueMs?: number;
  /** RateLimit-Reason of API 429s; default `jira-quota-global-based` (Confluence: `confluence-…`). */
  rateLimitReason?: string;
}

export interface Counters {
  tokenRequests: number;
  codeExchanges: number;
  refreshes: number;
  refreshesByFamily: Record<string, number>;
  reuseInsideLeeway: number;
  reuseOutsideLeeway: number;
  familiesRevoked: number;
  invalidGrant: number;
  faultsInjected: number;
  refreshWithScopeParam: number;
  issuedAfterHold: number;
  /** Token requests with grant_type=client_credentials, and the tokens they obtained. */
  clientCredentialsRequests: number;
  clientCredentialsIssued: number;
  /** Token requests refused with invalid_client (client credentials). */
  invalidClient: number;
  /** The GitHub endpoints' own counters (faults are counted in faultsInjected above). */
  github: GithubCounters;
}

export interface ConsentInput {
  authorizeUrl: string;
  accountId?: string;
  siteIds?: string[];
  decision: 'approve' | 'deny';
}

export interface ConsentResult {
  location?: string;
  status: number;
  body?: string;
}

export interface EmulatorClock {
  now(): number;
  advance(seconds: number): void;
  set(ms: number): void;
  reset(): void;
}

export interface EmulatorOptions {
  /** 0 = random free port. */
  port?: number;
  host?: string;
  leewaySeconds?: number;
  accessTokenTtlSeconds?: number;
  authCodeTtlSeconds?: number;
  /** GitHub's primary rate limit per user token owner per hour (default 5000). */
  githubRateLimit?: number;
  logger?: boolean;
}

export interface ServiceAccountInput {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  name: string;
  /** Default: `<name>-<random>@serviceaccount.atlassian.com`. */
  email?: string;
  accountId?: string;
  /** Existing sites the service account was added to... */
  siteIds?: string[];
  /** ...and/or new sites created for it (owned by no user). */
  sites?: SiteInput[];
  accessTokenTtlSeconds?: number;
}

export interface EmuServiceAccount {
  accountId: string;
  name: string;
  email: string;
  clientId: string;
  scopes: string[];
  sites: EmuSite[];
}

export interface ApiTokenInput {
  /** The account's email (the Basic auth user name); default and only allowed value. */
  email?: string;
  /** Default: a random `ATATT3x…` string. */
  token?: string;
  /** A user (classic or scoped token) or a service account. */
  accountId: string;
  /** false: classic, site URL only; true: scoped, api.atlassian.com gateway only. */
  scoped: boolean;
  /** Emulator-clock ms; from then on the token answers 401. */
  expiresAt?: number;
  /** Default: every site of the account. */
  siteIds?: string[];
  /** Scoped tokens only; default: unrestricted. */
  scopes?: string[];
}

/** One request to an API route as the emulator received it. */
export interface LoggedRequest {
  /** Emulator-clock ms. */
  at: number;
  method: string;
  /** Raw path as sent (not decoded), without the query string. */
  path: string;
  /** Raw query string without the `?` ('' when none). */
  query: string;
  /** Node's view: lower-cased names. */
  headers: Record<string, string | string[] | undefined>;
  /** Every header line as received: original case, order and duplicates. */
  rawHeaders: [string, string][];
  /** Bytes of the body the emulator read, and their sha256 (hex; null until fully read). */
  bodySize: number;
  bodySha256: string | null;
  /** Response status (undefined while in flight). */
  status?: number;
}

export interface JiraIssueInput {
  projectKey: string;
  summary: string;
  /** Default 'Task'. */
  issueType?: string;
  description?: unknown;
}

export interface JiraIssueRef {
  id: string;
  key: string;
}

export interface ConfluencePageInput {
  spaceId: string;
  title: string;
  /** Default representation 'storage'. */
  body?: { representation?: string; value: string };
}

export interface Emulator {
  url: string;
  addApp(a: AppInput): void;
  addUser(u: UserInput): EmuUser;
  addSite(accountId: string, site: SiteInput): EmuSite;
  clock: EmulatorClock;
  revokeGrant(accountId: string, clientId: string): void;
  setFaults(f: Faults): void;
  clearFaults(): void;
  counters(): Counters;
  resetCounters(): void;
  consent(p: ConsentInput): Promise<ConsentResult>;
  close(): Promise<void>;
  /** Same as editing the callback URL in the developer console (exact URL or `/*` pattern). */
  setAppCallback(clientId: string, callbackUrl: string): void;
  /** Kills every access token issued so far under the grant; its refresh token keeps working. */
  revokeAccessTokens(accountId: string, clientId: string): boolean;
  addServiceAccount(s: ServiceAccountInput): EmuServiceAccount;
  revokeServiceAccountCredential(clientId: string): boolean;
  setServiceAccountSecret(clientId: string, clientSecret: string): void;
  /** Returns the token (the password of Basic `email:token`). */
  addApiToken(t: ApiTokenInput): string;
  revokeApiToken(token: string): boolean;
  /** `${url}/site/${name}`: where the emulator serves https://{name}.atlassian.net. */
  siteUrl(name: string): string;
  /** The most recent API requests, oldest first (at most `limit`, bounded by the ring size). */
  requests(limit?: number): LoggedRequest[];
  clearRequests(): void;
  addJiraIssue(cloudId: string, issue: JiraIssueInput): JiraIssueRef;
  addConfluencePage(cloudId: string, page: ConfluencePageInput): { id: string };
  /** A GitHub App (github.com and api.github.com are served on `url` too). */
  addGithubApp(a: GithubAppInput): GithubAppView;
  /** Same as editing the app's callback URLs in its settings. */
  setGithubAppCallbacks(clientId: string, callbackUrls: string[]): void;
  addGithubUser(u: GithubUserInput): GithubUser;
  addGithubRepo(login: string, repo: GithubRepoInput): GithubRepo;
  addGithubIssue(owner: string, repo: string, issue: GithubIssueInput): GithubIssueRef;
  /** What the GitHub consent page's buttons do, without a browser. */
  githubConsent(p: GithubConsentInput): Promise<ConsentResult>;
  /** The user revokes the app in their settings: every token of theirs for it dies. */
  revokeGithubGrant(login: string, clientId: string): boolean;
}
