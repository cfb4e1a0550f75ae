import type { TSchema } from 'typebox';
import type { AccountInsert, AccountRow, AuthConfigRow } from '../db/schema/index.ts';
import type { FieldRef } from '../db/sealed-fields.ts';
import type { Clock } from '../lib/clock.ts';
import type { TenantUrlPolicy } from '../lib/tenant-urls.ts';
import type {
  BoundSite,
  Identity,
  Provider,
  ProviderApp,
  ProviderDefinition,
  ProviderError,
  TokenSet,
} from '../providers/types.ts';
import type { TokenGrant } from './grant.ts';
import type { AccountSealedField } from './sealed.ts';

/** The create body as received (schema-checked): auth_config_id, user_id and the schemes' fields. */
export interface CreateInput {
  auth_config_id: string;
  user_id: string;
  [field: string]: unknown;
}

/** A new account's columns, its credential sealed already; the insert adds the rest. */
export type NewAccount = Omit<
  AccountInsert,
  'tenantId' | 'authConfigId' | 'authScheme' | 'status' | 'connectedAt' | 'createdAt' | 'updatedAt'
> & { id: string };

/** The provider side of a config: its runtime, its definition, its client (secret per call). */
export interface ProviderAccess {
  provider(config: AuthConfigRow): Provider;
  definition(config: AuthConfigRow): ProviderDefinition;
  /** the provider's view of the config without the secret (discovery, URLs) */
  providerApp(config: AuthConfigRow): ProviderApp;
  /** a call with the client secret, once more with the previous one while it overlaps */
  withClientApp<T>(config: AuthConfigRow, call: (app: ProviderApp) => Promise<T>): Promise<T>;
}

/**
 * What creating an account may use, bound to one request: its tenant and its audited change are
 * in the inserts already. Every provider call is made before an insert opens its transaction.
 */
export interface CreateContext extends ProviderAccess {
  clock: Clock;
  seal(ref: FieldRef, plain: string): Promise<string>;
  /** the egress policy for URLs the vault will call (throws a 400 when refused) */
  checkUrl(url: string): Promise<unknown>;
  urlPolicy: TenantUrlPolicy;
  /** the columns storing a grant: sealed tokens, expiry and lifetime, the next refresh */
  grantColumns(
    row: Pick<AccountRow, 'tenantId' | 'id' | 'generation'>,
    grant: TokenGrant,
    now: Date,
  ): Promise<Partial<AccountInsert>>;
  /** an INITIATED account and its single-use connect link, with the audit row */
  insertInitiated(
    row: { userId: string; pinnedSiteUrl: string | null },
    returnUrl: string | null,
  ): Promise<{ account: AccountRow; link: { url: string; expiresAt: Date } }>;
  /** an ACTIVE account, its connected_account.active event and the audit row */
  insertActive(row: NewAccount): Promise<AccountRow>;
}

/** What replacing an account's credential in place may use (PATCH credentials). */
export interface ReplaceContext extends Omit<CreateContext, 'insertInitiated' | 'insertActive'> {
  /** the account's auth config */
  config(row: AccountRow): Promise<AuthConfigRow>;
  /**
   * Writes `set` if the row is still at `row.generation` and ACTIVE or EXPIRED; the account is
   * ACTIVE after it (connected_account.active if it was not), with the audit row.
   */
  writeReplaced(row: AccountRow, set: Partial<AccountInsert>): Promise<AccountRow>;
}

/** What renewing or checking a credential may use (the worker, on-demand refresh). */
export interface RenewContext extends ProviderAccess {
  open(ref: FieldRef, sealed: string): Promise<string>;
}

/** A refusal that ends the grant, and what must hold before the account is expired for it. */
export interface FatalRefusal {
  reason: string;
  /**
   * `superseded`: unless another refresher stored a newer token meanwhile (re-read the row);
   * `secret_rotated`: unless the config's client secret changed while the call was out
   */
  unless: 'superseded' | 'secret_rotated';
}

/** How an account's credential is kept usable. */
export type Renewal =
  | {
      /** a new token from the provider: by refresh token, or asked for again by the client */
      kind: 'renew';
      /** why this account cannot be renewed at all (nothing to renew with), or null */
      blocked(a: { hasRefreshToken: boolean }): string | null;
      renew(ctx: RenewContext, row: AccountRow, config: AuthConfigRow): Promise<TokenSet>;
      fatal(err: ProviderError): FatalRefusal | null;
      /** a new client secret on the config revives accounts expired for this reason */
      revivedBySecretChange?: string;
    }
  | {
      /** the credential cannot be renewed: the worker checks it daily and watches its expiry */
      kind: 'check';
      verify(ctx: RenewContext, row: AccountRow, config: AuthConfigRow): Promise<Identity>;
      /** the status reason past its expiry, and when the provider refuses it */
      expiredReason: string;
      rejectedReason: string;
    };

/** The credential as a caller sends it: `Authorization: <tokenType> <credential>`. */
export interface Presentation {
  tokenType: string;
  credential: string;
}

/** The columns presenting a credential reads: the token read has them all. */
export type PresentedRow = Pick<
  AccountRow,
  'tenantId' | 'id' | 'tokenType' | 'expiresAt' | 'accessTokenEnc' | 'apiTokenEnc'
>;

/**
 * One auth scheme: how its accounts are created, renewed or checked, presented and managed. The
 * registry (index.ts) holds one per scheme; nothing outside this folder and providers/ compares a
 * scheme's name.
 */
export interface SchemeStrategy {
  /** what it is, for the API's description of `auth_scheme` */
  summary: string;
  /** whether its auth configs hold an OAuth client (client_id and client_secret) */
  configHoldsClient: boolean;
  /** whether its configs send users through the provider's authorization step */
  needsAuthorization: boolean;
  /** whether the provider's runtime has what this scheme calls */
  servedBy(p: Provider): boolean;
  /** the sealed fields its accounts hold */
  sealedFields: readonly AccountSealedField[];

  /** the create body's fields it takes beyond auth_config_id and user_id */
  createFields: Readonly<Record<string, TSchema>>;
  /** POST /v1/connected-accounts: `link` is null when no browser is needed */
  create(
    ctx: CreateContext,
    config: AuthConfigRow,
    input: CreateInput,
  ): Promise<{ account: AccountRow; link: { url: string; expiresAt: Date } | null }>;
  /** PATCH credentials: a new credential for the same account, verified first */
  replaceCredential?: {
    input: TSchema;
    replace(ctx: ReplaceContext, row: AccountRow, input: unknown): Promise<AccountRow>;
  };
  /** POST …/reconnect: undefined when it means a new connect link; else why it does not apply */
  reconnectRefusal?(accountId: string): string;
  /** whether its accounts' site is fixed at creation (no PATCH selected_cloud_id) */
  fixedSite: boolean;

  renewal: Renewal;
  /** whether the account holds the credential the token path answers with */
  holdsCredential(a: PresentedRow): boolean;
  /** the status reason of a credential past its own expiry, which the token path refuses */
  lapsed?(a: PresentedRow, now: Date): string | null;
  /**
   * The credential as the caller sends it. `open` may answer at once (the data key in memory) and
   * then so may this: the token path's common case costs no promise.
   */
  present(
    ctx: { open(ref: FieldRef, sealed: string): string | Promise<string> },
    a: PresentedRow,
  ): Presentation | Promise<Presentation>;
  /** the site its credential is bound to, if it is bound to one (not chosen among the grant's) */
  boundSite(a: Pick<AccountRow, 'apiSiteUrl' | 'selectedCloudId'>): BoundSite | null;
  /** the account view's `api_token` block, for the schemes it describes */
  credentialView?(row: AccountRow): unknown;
}
