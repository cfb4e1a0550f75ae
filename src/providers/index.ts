import type { Dispatcher } from 'undici';
import type { Clock } from '../lib/clock.ts';
import type { OutboundLimiter } from '../lib/outbound-limiter.ts';
import { createAtlassianProvider } from './atlassian.ts';
import { createAtlassianApiTokens, type AtlassianApiTokens } from './atlassian-api-tokens.ts';
import { createProviderHttp } from './http.ts';
import { createOauth2Provider } from './oauth2.ts';
import type { Provider } from './types.ts';

export interface Providers {
  get(kind: 'atlassian' | 'oauth2'): Provider;
  /** Atlassian API tokens (HTTP Basic), classic and scoped */
  apiTokens: AtlassianApiTokens;
}

/**
 * `dispatcher` serves the operator-configured Atlassian URLs; `tenantDispatcher` (the egress-policy
 * agent) serves URLs that tenants supplied, so a client secret never goes to a private address.
 */
export function createProviders(opts: {
  authUrl: string;
  apiUrl: string;
  /** the overall deadline of each call */
  timeoutMs: number;
  maxResponseBytes: number;
  outbound: Pick<OutboundLimiter, 'acquire'>;
  /** sockets per origin of the agent made here (see createProviderHttp) */
  connections: number;
  clock: Clock;
  dispatcher?: Dispatcher;
  tenantDispatcher?: Dispatcher;
}): Providers {
  const { dispatcher, tenantDispatcher, ...common } = opts;
  const http = createProviderHttp({ ...common, dispatcher });
  const tenantHttp = createProviderHttp({ ...common, dispatcher: tenantDispatcher ?? dispatcher });
  const byKind = {
    atlassian: createAtlassianProvider({ authUrl: opts.authUrl, apiUrl: opts.apiUrl }, http),
    oauth2: createOauth2Provider(tenantHttp),
  };
  return {
    get: (kind) => byKind[kind],
    apiTokens: createAtlassianApiTokens(
      { apiUrl: opts.apiUrl },
      { operator: http, tenant: tenantHttp },
    ),
  };
}
