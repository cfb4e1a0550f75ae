// Names for the shapes the vault's API uses, all derived from the generated OpenAPI types so that a
// regenerated document (`npm run client:types`) flows through to every signature.
import type { components, paths } from './generated/openapi.js';

type Method = 'get' | 'post' | 'patch' | 'delete' | 'put';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<T> = T extends { content: { 'application/json': infer J } } ? J : never;

/** The JSON body of the `S` response of `M P`. */
export type ResponseOf<
  P extends keyof paths,
  M extends Method,
  S extends keyof Op<P, M>['responses'],
> = JsonOf<Op<P, M>['responses'][S]>;

/** The JSON request body of `M P`. */
export type BodyOf<P extends keyof paths, M extends Method> =
  Op<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/** The query parameters of `M P`. */
export type QueryOf<P extends keyof paths, M extends Method> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type { components, paths };

/** RFC 9457 problem body every vault error carries. */
export type Problem = components['schemas']['Problem'];

export type TokenResponse = ResponseOf<'/v1/auth-configs/{id}/token', 'post', 200>;

export type AuthConfig = ResponseOf<'/v1/auth-configs/{id}', 'get', 200>;
export type CreateAuthConfig = BodyOf<'/v1/auth-configs', 'post'>;
export type UpdateAuthConfig = BodyOf<'/v1/auth-configs/{id}', 'patch'>;
export type AuthConfigListQuery = Omit<QueryOf<'/v1/auth-configs', 'get'>, 'cursor'>;

export type ConnectedAccount = ResponseOf<'/v1/connected-accounts/{id}', 'get', 200>;
/** A created or reconnected account: the account plus its single-use `redirect_url`. */
export type ConnectedAccountWithLink = ResponseOf<'/v1/connected-accounts', 'post', 201>;
export type CreateConnectedAccount = BodyOf<'/v1/connected-accounts', 'post'>;
export type UpdateConnectedAccount = BodyOf<'/v1/connected-accounts/{id}', 'patch'>;
export type ReconnectConnectedAccount = BodyOf<'/v1/connected-accounts/{id}/reconnect', 'post'>;
export type ConnectedAccountListQuery = Omit<QueryOf<'/v1/connected-accounts', 'get'>, 'cursor'>;
export type ConnectedAccountStatus = ConnectedAccount['status'];
/** The answer of an import: counts, and one result per record in input order. */
export type ImportAnswer = ResponseOf<'/v1/connected-accounts/import', 'post', 200>;
export type ImportQuery = QueryOf<'/v1/connected-accounts/import', 'post'>;
/** A background import: its status, counts and (once done) every record's result. */
export type ImportJob = ResponseOf<'/v1/connected-accounts/import-jobs/{id}', 'get', 200>;
export type ExportRequest = BodyOf<'/v1/connected-accounts/export', 'post'>;
export type BulkRequest = BodyOf<'/v1/connected-accounts/bulk', 'post'>;
export type BulkAnswer = ResponseOf<'/v1/connected-accounts/bulk', 'post', 200>;
/** One line of an export: an account's record as a JWE, or the closing summary. */
export type ExportLine =
  | { connected_account_id: string; jwe: string }
  | { summary: { exported: number; disabled: number; left_out: number } };

export type WebhookEndpoint = ResponseOf<'/v1/webhook-endpoints/{id}', 'get', 200>;
/** A created endpoint: its `secret` (`whsec_…`) is returned this once. */
export type CreatedWebhookEndpoint = ResponseOf<'/v1/webhook-endpoints', 'post', 201>;
export type CreateWebhookEndpoint = BodyOf<'/v1/webhook-endpoints', 'post'>;
export type WebhookEndpointListQuery = Omit<QueryOf<'/v1/webhook-endpoints', 'get'>, 'cursor'>;
export type WebhookEventType = NonNullable<CreateWebhookEndpoint['event_types']>[number];

export type ApiKey = ResponseOf<'/v1/api-keys/{id}', 'get', 200>;
/** A created key: its secret `key` (`cvk_…`) is returned this once. */
export type CreatedApiKey = ResponseOf<'/v1/api-keys', 'post', 201>;
export type CreateApiKey = BodyOf<'/v1/api-keys', 'post'>;
export type OperatorKey = ResponseOf<'/v1/operator-keys', 'get', 200>['data'][number];
export type CreatedOperatorKey = ResponseOf<'/v1/operator-keys', 'post', 201>;
export type CreateOperatorKey = BodyOf<'/v1/operator-keys', 'post'>;

/** What a policy (on a service key or a trusted issuer) allows: raw tokens, proxied calls, a budget. */
export type Policy = NonNullable<BodyOf<'/v1/api-keys', 'post'>['policy']>;
export type UpdateApiKey = BodyOf<'/v1/api-keys/{id}', 'patch'>;

export type TrustedIssuer = ResponseOf<'/v1/trusted-issuers/{id}', 'get', 200>;
export type CreateTrustedIssuer = BodyOf<'/v1/trusted-issuers', 'post'>;
export type UpdateTrustedIssuer = BodyOf<'/v1/trusted-issuers/{id}', 'patch'>;
export type TrustedIssuerListQuery = Omit<QueryOf<'/v1/trusted-issuers', 'get'>, 'cursor'>;

/** A proxy token: `Authorization: Bearer` on the proxy routes of its one account, nowhere else. */
export type ProxyTokenResponse = ResponseOf<'/v1/connected-accounts/{id}/proxy-token', 'post', 200>;
/** A token exchange's answer: an access token (with the token endpoint's fields) or a proxy token. */
export type ExchangeResponse = ResponseOf<'/v1/oauth/token', 'post', 200>;

export type AuditEvent = ResponseOf<'/v1/audit-events', 'get', 200>['data'][number];
export type AuditEventListQuery = Omit<QueryOf<'/v1/audit-events', 'get'>, 'cursor'>;

/** A lifecycle event (what webhooks deliver) with its deliveries. */
export type EventRecord = ResponseOf<'/v1/events', 'get', 200>['data'][number];
export type EventListQuery = Omit<QueryOf<'/v1/events', 'get'>, 'cursor'>;

/** One page of a list endpoint. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
