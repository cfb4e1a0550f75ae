// Admin helpers (an admin API key): auth configs, connected accounts, webhook endpoints.
import { call, type Transport } from './http.js';
import type {
  AuthConfig,
  AuthConfigListQuery,
  ConnectedAccount,
  ConnectedAccountListQuery,
  ConnectedAccountWithLink,
  CreateAuthConfig,
  CreateConnectedAccount,
  CreateWebhookEndpoint,
  CreatedWebhookEndpoint,
  Page,
  ReconnectConnectedAccount,
  UpdateAuthConfig,
  UpdateConnectedAccount,
  WebhookEndpoint,
  WebhookEndpointListQuery,
} from './types.js';

type Query = Record<string, string | number | boolean | undefined>;

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

  return { authConfigs, connectedAccounts, webhookEndpoints };
}

export type AdminApi = ReturnType<typeof adminApi>;
