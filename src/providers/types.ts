/** An Atlassian site the grant covers (accessible-resources, merged per cloud id). */
export interface Site {
  cloud_id: string;
  name: string;
  url: string;
  scopes: string[];
}

/** Who the grant belongs to, where the provider says (Atlassian: /me). */
export interface Identity {
  account_id: string;
  email: string | null;
  name: string | null;
  picture: string | null;
  [k: string]: unknown;
}

/** The knobs of a generic OAuth 2.0 auth config (iHub-style). */
export interface Oauth2Settings {
  /** null for client_credentials configs (no authorization step) */
  authorization_url: string | null;
  token_url: string;
  authorization_params: Record<string, string>;
  token_request_format: 'json' | 'form';
  client_auth: 'client_secret_post' | 'client_secret_basic';
  include_scope_in_token_request: boolean;
  pkce: boolean;
  scope_separator: ' ' | ',' | '+';
  /** RFC 9207 issuer identifier, checked against the callback's `iss` when the server sends one */
  issuer?: string | null;
  /** where the proxy sends API calls (configs stored before it existed have none) */
  api_base_url?: string | null;
}

/** What a provider needs to know of an auth config; providers know HTTP, not our tables. */
export interface ProviderApp {
  /** whose call this is: outbound calls are capped per tenant */
  tenantId: string;
  provider: 'atlassian' | 'oauth2';
  /** empty for api_token configs, which hold no client */
  clientId: string;
  clientSecret: string;
  scopes: string[];
  oauth2: Oauth2Settings | null;
  redirectUri: string;
}

export interface TokenSet {
  accessToken: string;
  /** absent when the provider did not send one: the caller keeps the old one */
  refreshToken?: string;
  tokenType: string;
  expiresIn?: number;
  scopes?: string[];
}

export interface Discovery {
  sites: Site[];
  identity: Identity | null;
}

export type ProviderErrorKind =
  /** the grant is dead (invalid_grant): only a reconnect helps */
  | 'invalid_grant'
  /** the client id/secret were refused */
  | 'client_credentials'
  /** 5xx, 429, timeouts, network: try again later */
  | 'transient'
  /** anything else the provider said no to */
  | 'rejected';

export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    readonly oauthError?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface Provider {
  usesPkce(app: ProviderApp): boolean;
  authorizationUrl(app: ProviderApp, p: { state: string; codeChallenge?: string }): string;
  exchangeCode(app: ProviderApp, p: { code: string; codeVerifier?: string }): Promise<TokenSet>;
  refresh(app: ProviderApp, refreshToken: string): Promise<TokenSet>;
  /** grant_type=client_credentials: a token for the client itself (no refresh token) */
  clientCredentials(app: ProviderApp): Promise<TokenSet>;
  /**
   * sites and identity where the provider has them; `identityOptional`: an identity the provider
   * will not give (a service account without read:me) is null rather than a failure
   */
  discover(
    app: ProviderApp,
    accessToken: string,
    opts?: { identityOptional?: boolean },
  ): Promise<Discovery>;
  /** the base URL for API calls on a site, where the provider has one */
  apiBaseUrl(cloudId: string | null): string | null;
  /** RFC 9207: whether an `iss` the authorization server sent back names this provider */
  issuerMatches(app: ProviderApp, iss: string): boolean;
  /** how long a refresh family lives from consent, in days, where the provider limits it */
  familyLifetimeDays: number | null;
}
