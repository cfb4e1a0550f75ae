// Public types of the GitHub part of the emulator (GitHub Apps user access tokens, github.com +
// api.github.com on the emulator's one origin). Re-exported by ../types.ts.

export interface GithubAppInput {
  /** Default: a generated `Iv1.` + 16 hex digits. */
  clientId?: string;
  clientSecret: string;
  name: string;
  /**
   * One to ten callback URLs, each exact or a pattern ending in `/*` (one more non-empty path
   * segment). redirect_uri must match one of them; without a redirect_uri the first is used (it
   * must then be exact).
   */
  callbackUrls: string[];
  /**
   * Default true: 8-hour access tokens and rotating refresh tokens. false: the app opted out of
   * expiring user tokens; no refresh_token, no expires_in, the token lives until revoked.
   */
  expiringTokens?: boolean;
  /** Default 28800 (8 h). */
  accessTokenTtlSeconds?: number;
  /** Default 15897600 (about 6 months). */
  refreshTokenTtlSeconds?: number;
  /**
   * Default false: a second use of a spent refresh token fails (bad_refresh_token) and is counted,
   * the grant's current tokens live on (GitHub documents nothing more). true: the reuse revokes the
   * whole grant, every token of that user for this app.
   */
  revokeGrantOnRefreshReuse?: boolean;
}

/** An app as the emulator shows it (the secret left out). */
export interface GithubAppView {
  clientId: string;
  name: string;
  callbackUrls: string[];
  expiringTokens: boolean;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  revokeGrantOnRefreshReuse: boolean;
}

export interface GithubRepoInput {
  /** Letters, digits, `.`, `-`, `_` (at most 100). */
  name: string;
  /** Default false. */
  private?: boolean;
  description?: string | null;
}

export interface GithubRepo {
  id: number;
  name: string;
  /** `owner/name`. */
  fullName: string;
  owner: string;
  private: boolean;
  description: string | null;
}

export interface GithubUserInput {
  /** Default: the next free number. */
  id?: number;
  /** Unique, case-insensitively; GitHub's rule: letters, digits and single inner hyphens, ≤ 39. */
  login: string;
  name?: string | null;
  /** The public email `GET /user` shows (null: none). */
  email?: string | null;
  /** Default true; false makes the code exchange answer `unverified_user_email`. */
  emailVerified?: boolean;
  repos?: GithubRepoInput[];
}

export interface GithubUser {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  emailVerified: boolean;
  repos: GithubRepo[];
}

export interface GithubIssueInput {
  title: string;
  body?: string | null;
}

export interface GithubIssueRef {
  id: number;
  number: number;
}

export interface GithubConsentInput {
  /** `/login/oauth/authorize?...` (absolute or relative). */
  authorizeUrl: string;
  /** Who approves: default the URL's `login` if it names a user, else the first user. */
  login?: string;
  decision: 'approve' | 'deny';
}

export interface GithubCounters {
  /** POSTs to /login/oauth/access_token (faulted ones included). */
  tokenRequests: number;
  codeExchanges: number;
  refreshes: number;
  /** Refreshes per token chain (one chain per code exchange). */
  refreshesByFamily: Record<string, number>;
  /** A spent refresh token presented again. */
  refreshReuse: number;
  /** Grants revoked: by the app (DELETE /applications/:id/grant), the user, or a reuse. */
  grantsRevoked: number;
  /** API requests refused with 401 Bad credentials. */
  badCredentials: number;
  /** API requests refused because the user's hourly quota was spent. */
  rateLimited: number;
  issuedAfterHold: number;
  /** Token-endpoint error answers (HTTP 200) by `error`. */
  tokenErrors: Record<string, number>;
}
