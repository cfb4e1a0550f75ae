import type { TSchema } from 'typebox';
import type { TenantUrlPolicy } from '../lib/tenant-urls.ts';
import type { AuthSchemeName } from '../schemes/index.ts';
import type { ProviderHttp } from './http.ts';

/** A site the grant covers, where the provider has sites (Atlassian: accessible-resources). */
export interface Site {
  cloud_id: string;
  name: string;
  url: string;
  scopes: string[];
}

/** Who the grant belongs to, where the provider says (Atlassian: /me, GitHub: /user). */
export interface Identity {
  account_id: string;
  /** the user's handle, where the provider has one besides the name (GitHub's login) */
  login?: string | null;
  email: string | null;
  name: string | null;
  picture: string | null;
  [k: string]: unknown;
}

/** What a provider needs to know of an auth config; providers know HTTP, not our tables. */
export interface ProviderApp {
  /** whose call this is: outbound calls are capped per tenant */
  tenantId: string;
  /** empty for configs that hold no client (API tokens) */
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** the config's own settings of this provider (its `configFields`), null where it has none */
  settings: unknown;
  redirectUri: string;
}

export interface TokenSet {
  accessToken: string;
  /** absent when the provider did not send one: the caller keeps the old one */
  refreshToken?: string;
  tokenType: string;
  expiresIn?: number;
  /**
   * how long the refresh token lives, where the provider says (`refresh_token_expires_in`); a
   * rotating provider that sends it moves the grant's end with every refresh
   */
  refreshTokenExpiresIn?: number;
  scopes?: string[];
  /**
   * the token endpoint's rate-limit headers say the app's quota is spent or nearly so: seconds
   * until it comes back (providers/rate-limit.ts)
   */
  quotaSpentSeconds?: number;
}

export interface Discovery {
  sites: Site[];
  identity: Identity | null;
}

export type ProviderErrorKind =
  /** the grant is dead (invalid_grant): only a reconnect helps */
  | 'invalid_grant'
  /** the client id/secret were refused (invalid_client, unauthorized_client) */
  | 'invalid_client'
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

/** The site a credential is bound to (an API token's), rather than one of the grant's sites. */
export interface BoundSite {
  /** a site's own base URL (a classic Atlassian API token), which a tenant supplied */
  siteUrl: string | null;
  /** a site reached through the provider's gateway by id (a scoped token) */
  cloudId: string | null;
}

/** What a provider needs to know of a connected account to say where its API calls go. */
export interface ApiAccount {
  id: string;
  authConfigId: string;
  /** its config's settings of this provider (see ProviderApp.settings) */
  settings: unknown;
  /** the site its credential is bound to, if it is bound to one */
  boundSite: BoundSite | null;
}

/**
 * Where a proxied call goes: `base` followed by `rest`. `origin` says whose URL the base is: the
 * deployment's (an operator setting: the operator's agent) or one a tenant supplied (the
 * egress-policy agent, so a credential never reaches a private address).
 */
export interface ApiTarget {
  base: string;
  rest: string[];
  origin: 'operator' | 'tenant';
  /**
   * Headers the provider's API needs that a caller may leave out (lower-case names; e.g. GitHub
   * refuses a request without a User-Agent): sent unless the caller sent its own.
   */
  headers?: Readonly<Record<string, string>>;
}

/** An API token (HTTP Basic `email:token`) and where it is used. */
export interface ApiTokenCredential {
  email: string;
  apiToken: string;
}

/** The calls a provider answers; made once per process from its settings. */
export interface Provider {
  usesPkce(app: ProviderApp): boolean;
  authorizationUrl(app: ProviderApp, p: { state: string; codeChallenge?: string }): string;
  exchangeCode(app: ProviderApp, p: { code: string; codeVerifier?: string }): Promise<TokenSet>;
  refresh(app: ProviderApp, refreshToken: string): Promise<TokenSet>;
  /** grant_type=client_credentials: a token for the client itself (no refresh token) */
  clientCredentials?(app: ProviderApp): Promise<TokenSet>;
  /** API tokens: who the credential is, asked of the provider's API (401/403/404: `rejected`) */
  verifyApiToken?(tenantId: string, site: BoundSite, cred: ApiTokenCredential): Promise<Identity>;
  /**
   * sites and identity where the provider has them; `identityOptional`: an identity the provider
   * will not give (a service account without read:me) is null rather than a failure
   */
  discover(
    app: ProviderApp,
    accessToken: string,
    opts?: { identityOptional?: boolean },
  ): Promise<Discovery>;
  /** RFC 9207: whether an `iss` the authorization server sent back names this provider */
  issuerMatches(app: ProviderApp, iss: string): boolean;
  /**
   * Where API calls with this account's credential go, as the token endpoint reports it
   * (`api_base_url`), on the site `cloudId` where the provider has sites; null: nowhere known.
   */
  apiBaseUrl(account: ApiAccount, cloudId: string | null): string | null;
  /**
   * Where the proxy sends a call for `segments` (the path after `/proxy/`, checked already): the
   * same base as `apiBaseUrl`, per product where the provider has several. Throws the caller's
   * 400/409 when the path or the account cannot be served.
   */
  apiTarget(account: ApiAccount, segments: string[], cloudId: string | null): ApiTarget;
}

/** One deployment setting of a provider: an environment variable config.ts reads. */
export interface ProviderSetting {
  env: string;
  default: string;
  /** for the configuration table (docs/configuration.md) and the refusal of a bad value */
  description: string;
}

/**
 * A provider's own part of an auth config: one body field (e.g. `oauth2`) with its schemas, how
 * it is checked and normalised, and which of its URLs the vault will call.
 */
export interface ProviderConfigFields {
  /** the body and view field, e.g. `oauth2` */
  field: string;
  /** the create/update body's field */
  input: TSchema;
  /** the field in the auth config view (a non-null value; the view adds `null` for others) */
  view: TSchema;
  /**
   * The settings to store from `input` merged over `current` (an update), for a config of
   * `scheme`; throws a 400 naming the field. `input` has passed the `input` schema.
   */
  normalize(
    input: unknown,
    current: unknown,
    ctx: { policy: TenantUrlPolicy; needsAuthorization: boolean },
  ): unknown;
  /** the URLs of the stored settings the vault will call (checked against the egress policy) */
  urlsToCall(settings: unknown): string[];
  /** the stored settings as the view shows them */
  present(settings: unknown): unknown;
}

/**
 * Everything a provider means, in one object: the registry (registry.ts) holds one per provider.
 * `Settings` names its deployment settings (base URLs an operator may point elsewhere, e.g. at the
 * emulator).
 */
export interface ProviderDefinition<S extends string = string> {
  /** the auth schemes it offers (each must find what it needs in the runtime, `create`) */
  schemes: readonly AuthSchemeName[];
  settings: Readonly<Record<S, ProviderSetting>>;
  /** how long a refresh family lives from consent, in days, where the provider limits it */
  familyLifetimeDays: number | null;
  /**
   * How long an older access token keeps working once a refresh has issued a newer one, in
   * seconds: Atlassian revokes it about 600 s later, GitHub at once (0); null where the provider
   * lets it live to its expiry. The token answer's `cache_until` follows from it
   * (docs/contracts.md#cache_until).
   */
  companionRevocationSeconds: number | null;
  /**
   * How often the worker refreshes an idle account to keep its grant alive, in days: well inside
   * the provider's limit on an unused refresh token (docs/contracts.md#use-driven-refresh).
   */
  keepAliveDays: number;
  /** whether a connected account may pin one of its sites (`site_url` at creation) */
  pinsSites: boolean;
  /** its own auth config field, if it has one */
  configFields?: ProviderConfigFields;
  /**
   * The scopes to store for a config (deduplicated); throws a 400 naming the first one the
   * provider does not know (with the nearest known one where it keeps a catalog), or when the
   * list is empty and the provider needs scopes (`[]` when the body has none).
   */
  normalizeScopes(scopes: string[]): string[];
  /** The runtime, from the settings' values (trailing slashes removed) and its HTTP clients. */
  create(ctx: {
    urls: Readonly<Record<S, string>>;
    /** `operator` for the deployment's URLs, `tenant` for URLs tenants supplied */
    http: { operator: ProviderHttp; tenant: ProviderHttp };
  }): Provider;
}
