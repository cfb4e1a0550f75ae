// Admin helpers (an admin API key): auth configs, connected accounts, API keys and their policies,
// trusted issuers, webhook endpoints and events, the audit trail (operator keys: operator keys and the operator audit trail).
import { call, type Transport } from './http.js';
import type {
  ApiKey,
  AuditEvent,
  AuditEventListQuery,
  AuthConfig,
  AuthConfigListQuery,
  ConnectedAccount,
  ConnectedAccountListQuery,
  ConnectedAccountWithLink,
  CreateApiKey,
  CreateAuthConfig,
  CreateConnectedAccount,
  CreateOperatorKey,
  CreatedApiKey,
  CreatedOperatorKey,
  CreateTrustedIssuer,
  CreateWebhookEndpoint,
  CreatedWebhookEndpoint,
  EventListQuery,
  BulkAnswer,
  BulkRequest,
  EventRecord,
  ExportLine,
  ExportRequest,
  ImportAnswer,
  ImportJob,
  ImportQuery,
  OperatorKey,
  Page,
  Policy,
  ReconnectConnectedAccount,
  TrustedIssuer,
  TrustedIssuerListQuery,
  UpdateApiKey,
  UpdateTrustedIssuer,
  UpdateAuthConfig,
  UpdateConnectedAccount,
  WebhookEndpoint,
  WebhookEndpointListQuery,
} from './types.js';

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

/** The lines of an NDJSON answer as they arrive, each parsed. */
async function* ndjsonLines<T>(res: Response): AsyncGenerator<T, void, undefined> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    rest += decoder.decode(chunk, { stream: true });
    let at: number;
    while ((at = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, at);
      rest = rest.slice(at + 1);
      if (line.trim()) yield JSON.parse(line) as T;
    }
  }
  if (rest.trim()) yield JSON.parse(rest) as T;
}

/** Whether an auth-config update carries a client secret (even an empty or malformed one). */
const rotatesSecret = (body: unknown) =>
  typeof body === 'object' && body !== null && 'client_secret' in body;

const id = (v: string) => {
  if (typeof v !== 'string' || v.length === 0) throw new TypeError('id must be a non-empty string');
  return encodeURIComponent(v);
};

/** Every item of a list endpoint, page after page (following `next_cursor`), fetched lazily. */
async function* paginate<T>(
  t: Transport,
  path: string,
  query: Query = {},
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await call<Page<T>>(t, 'GET', path, {
      query: { ...query, cursor },
      retry: 'any',
    });
    yield* page.data;
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
}

function page<T>(t: Transport, path: string, query: Query & { cursor?: string } = {}) {
  return call<Page<T>>(t, 'GET', path, { query, retry: 'any' });
}

export function adminApi(t: Transport) {
  const read = <T>(path: string) => call<T>(t, 'GET', path, { retry: 'any' });
  // Creating twice would make two resources: retried only when the vault surely did not act.
  const create = <T>(path: string, body: unknown) =>
    call<T>(t, 'POST', path, { body, retry: 'unprocessed' });
  // State toggles: a second enable finds the config enabled.
  const action = <T>(path: string, body?: unknown) =>
    call<T>(t, 'POST', path, { body, retry: 'any' });
  const remove = (path: string) => call<void>(t, 'DELETE', path, { retry: 'any' });

  const authConfigs = {
    create: (body: CreateAuthConfig) => create<AuthConfig>('/v1/auth-configs', body),
    get: (configId: string) => read<AuthConfig>(`/v1/auth-configs/${id(configId)}`),
    /** every auth config matching the filters, across pages */
    list: (query: AuthConfigListQuery = {}) =>
      paginate<AuthConfig>(t, '/v1/auth-configs', query as Query),
    /** one page; pass the previous page's `next_cursor` as `cursor` for the next */
    page: (query: AuthConfigListQuery & { cursor?: string } = {}) =>
      page<AuthConfig>(t, '/v1/auth-configs', query as Query),
    /**
     * Setting fields twice sets them once, so an update is retried like a read — except one that
     * carries `client_secret`: a rotation is never retried (see RetryPolicy `none`).
     */
    update: (configId: string, body: UpdateAuthConfig) =>
      call<AuthConfig>(t, 'PATCH', `/v1/auth-configs/${id(configId)}`, {
        body,
        retry: rotatesSecret(body) ? 'none' : 'any',
      }),
    disable: (configId: string) => action<AuthConfig>(`/v1/auth-configs/${id(configId)}/disable`),
    enable: (configId: string) => action<AuthConfig>(`/v1/auth-configs/${id(configId)}/enable`),
    delete: (configId: string) => remove(`/v1/auth-configs/${id(configId)}`),
  };

  const connectedAccounts = {
    /** starts the connect flow: send the end user to the returned `redirect_url` */
    create: (body: CreateConnectedAccount) =>
      create<ConnectedAccountWithLink>('/v1/connected-accounts', body),
    get: (accountId: string) => read<ConnectedAccount>(`/v1/connected-accounts/${id(accountId)}`),
    /** every account matching the filters, across pages */
    list: (query: ConnectedAccountListQuery = {}) =>
      paginate<ConnectedAccount>(t, '/v1/connected-accounts', query as Query),
    page: (query: ConnectedAccountListQuery & { cursor?: string } = {}) =>
      page<ConnectedAccount>(t, '/v1/connected-accounts', query as Query),
    /** e.g. `{ selected_cloud_id }` to pick the site among the account's sites */
    update: (accountId: string, body: UpdateConnectedAccount) =>
      call<ConnectedAccount>(t, 'PATCH', `/v1/connected-accounts/${id(accountId)}`, {
        body,
        retry: 'any',
      }),
    /** a new connect link for the same account id (each call issues a new link) */
    reconnect: (accountId: string, body: ReconnectConnectedAccount = {}) =>
      create<ConnectedAccountWithLink>(`/v1/connected-accounts/${id(accountId)}/reconnect`, body),
    disable: (accountId: string) =>
      action<ConnectedAccount>(`/v1/connected-accounts/${id(accountId)}/disable`),
    enable: (accountId: string) =>
      action<ConnectedAccount>(`/v1/connected-accounts/${id(accountId)}/enable`),
    delete: (accountId: string) => remove(`/v1/connected-accounts/${id(accountId)}`),
    /**
     * Imports grants held elsewhere (docs/moving.md in the repository): each record is verified
     * with one refresh, which spends the source's copy. Safe to repeat: records already imported
     * are `unchanged`. Retried only when the vault surely did not start.
     */
    import: (records: readonly unknown[], query: ImportQuery = {}) =>
      call<ImportAnswer>(t, 'POST', '/v1/connected-accounts/import', {
        body: records,
        query: query as Query,
        retry: 'unprocessed',
      }),
    /** The same import in the background (large files): poll `importJob(id)` until it is not running. */
    startImportJob: (records: readonly unknown[], query: ImportQuery = {}) =>
      call<ImportJob>(t, 'POST', '/v1/connected-accounts/import-jobs', {
        body: records,
        query: query as Query,
        retry: 'unprocessed',
      }),
    importJob: (jobId: string) =>
      read<ImportJob>(`/v1/connected-accounts/import-jobs/${id(jobId)}`),
    /**
     * Exports accounts with their refresh tokens, each a JWE to `public_key`, as the lines arrive
     * (the last one is the summary). Exported accounts are DISABLED unless `keep_active`. Never
     * retried: a second export would find them disabled.
     */
    export: async function* (body: ExportRequest): AsyncGenerator<ExportLine, void, undefined> {
      const res = await call<Response>(t, 'POST', '/v1/connected-accounts/export', {
        body,
        retry: 'none',
        raw: true,
      });
      yield* ndjsonLines<ExportLine>(res);
    },
    /**
     * Reconnect links, disable, enable or delete for every account `filter` matches; `dry_run`
     * counts only. Retried only when the vault surely did not start (a repeat issues new links).
     */
    bulk: (body: BulkRequest) =>
      call<BulkAnswer>(t, 'POST', '/v1/connected-accounts/bulk', { body, retry: 'unprocessed' }),
  };

  const webhookEndpoints = {
    /** the returned `secret` (whsec_…) is shown this once: keep it for verifyWebhook */
    create: (body: CreateWebhookEndpoint) =>
      create<CreatedWebhookEndpoint>('/v1/webhook-endpoints', body),
    get: (endpointId: string) => read<WebhookEndpoint>(`/v1/webhook-endpoints/${id(endpointId)}`),
    list: (query: WebhookEndpointListQuery = {}) =>
      paginate<WebhookEndpoint>(t, '/v1/webhook-endpoints', query as Query),
    page: (query: WebhookEndpointListQuery & { cursor?: string } = {}) =>
      page<WebhookEndpoint>(t, '/v1/webhook-endpoints', query as Query),
    delete: (endpointId: string) => remove(`/v1/webhook-endpoints/${id(endpointId)}`),
  };

  /** The caller's tenant's API keys (admin key). */
  const apiKeys = {
    /** the returned `key` (cvk_…) is shown this once */
    create: (body: CreateApiKey) => create<CreatedApiKey>('/v1/api-keys', body),
    get: (keyId: string) => read<ApiKey>(`/v1/api-keys/${id(keyId)}`),
    list: () => paginate<ApiKey>(t, '/v1/api-keys'),
    page: (query: { limit?: number; cursor?: string } = {}) =>
      page<ApiKey>(t, '/v1/api-keys', query),
    /** stops working at once on every replica; the record stays, with `revoked_at` */
    revoke: (keyId: string) =>
      call<ApiKey>(t, 'DELETE', `/v1/api-keys/${id(keyId)}`, { retry: 'any' }),
    /** its name, or a service key's policy (null: none); honoured by every replica within 1 s */
    update: (keyId: string, body: UpdateApiKey) =>
      call<ApiKey>(t, 'PATCH', `/v1/api-keys/${id(keyId)}`, { body, retry: 'any' }),
    /** a service key's policy, replacing the one it had (null: none, everything allowed) */
    setPolicy: (keyId: string, policy: Policy | null) =>
      call<ApiKey>(t, 'PATCH', `/v1/api-keys/${id(keyId)}`, { body: { policy }, retry: 'any' }),
  };

  /** Identity providers whose tokens the token exchange accepts (user and workload issuers). */
  const trustedIssuers = {
    create: (body: CreateTrustedIssuer) => create<TrustedIssuer>('/v1/trusted-issuers', body),
    get: (issuerId: string) => read<TrustedIssuer>(`/v1/trusted-issuers/${id(issuerId)}`),
    list: (query: TrustedIssuerListQuery = {}) =>
      paginate<TrustedIssuer>(t, '/v1/trusted-issuers', query as Query),
    page: (query: TrustedIssuerListQuery & { cursor?: string } = {}) =>
      page<TrustedIssuer>(t, '/v1/trusted-issuers', query as Query),
    /** e.g. `{ status: 'disabled' }`: its exchanges and proxy tokens stop within a second */
    update: (issuerId: string, body: UpdateTrustedIssuer) =>
      call<TrustedIssuer>(t, 'PATCH', `/v1/trusted-issuers/${id(issuerId)}`, {
        body,
        retry: 'any',
      }),
    delete: (issuerId: string) => remove(`/v1/trusted-issuers/${id(issuerId)}`),
  };

  /** Operator keys (operator key). */
  const operatorKeys = {
    /** the returned `key` (cvk_…) is shown this once */
    create: (body: CreateOperatorKey) => create<CreatedOperatorKey>('/v1/operator-keys', body),
    list: () => paginate<OperatorKey>(t, '/v1/operator-keys'),
    page: (query: { limit?: number; cursor?: string } = {}) =>
      page<OperatorKey>(t, '/v1/operator-keys', query),
    revoke: (keyId: string) =>
      call<OperatorKey>(t, 'DELETE', `/v1/operator-keys/${id(keyId)}`, { retry: 'any' }),
  };

  /** Who did what, when, from where; newest first. */
  const auditEvents = {
    list: (query: AuditEventListQuery = {}) =>
      paginate<AuditEvent>(t, '/v1/audit-events', query as Query),
    page: (query: AuditEventListQuery & { cursor?: string } = {}) =>
      page<AuditEvent>(t, '/v1/audit-events', query as Query),
  };

  /** Lifecycle events (what webhooks deliver), newest first, each with its deliveries. */
  const events = {
    list: (query: EventListQuery = {}) => paginate<EventRecord>(t, '/v1/events', query as Query),
    page: (query: EventListQuery & { cursor?: string } = {}) =>
      page<EventRecord>(t, '/v1/events', query as Query),
    /** queues the event again for its endpoints; the answer lists the deliveries */
    replay: (eventId: string) => action<EventRecord>(`/v1/events/${id(eventId)}/replay`),
  };

  return {
    authConfigs,
    connectedAccounts,
    webhookEndpoints,
    apiKeys,
    trustedIssuers,
    operatorKeys,
    auditEvents,
    events,
  };
}

export type AdminApi = ReturnType<typeof adminApi>;
