// Public types of the Atlassian OAuth 2.0 (3LO) emulator. Shares nothing with the vault.

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
  status?: 500 | 502 | 503 | 429;
  rate?: number;
  count?: number;
  latencyMs?: number;
  retryAfterSeconds?: number;
  holdAfterIssueMs?: number;
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
  logger?: boolean;
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
}
