import type { Dispatcher } from 'undici';
import type { Clock } from '../lib/clock.ts';
import type { OutboundLimiter } from '../lib/outbound-limiter.ts';
import { atlassian } from './atlassian.ts';
import { github } from './github.ts';
import { createProviderHttp } from './http.ts';
import { oauth2 } from './oauth2.ts';
import type { Provider, ProviderDefinition } from './types.ts';

/**
 * The providers, one entry per provider file. A new provider is its file and its line here; the
 * names (ProviderName, the API's enums, the database's CHECK), the settings config.ts reads and the
 * auth config's fields all follow from this record.
 */
export const PROVIDERS = {
  atlassian,
  github,
  oauth2,
} satisfies Record<string, ProviderDefinition>;

export type ProviderName = keyof typeof PROVIDERS;

/** In registry order (the API's enums list them so). */
export const PROVIDER_NAMES = Object.keys(PROVIDERS) as [ProviderName, ...ProviderName[]];

/** The definition of one provider, seen through the common interface. */
export const providerDefinition = (name: ProviderName): ProviderDefinition =>
  PROVIDERS[name] as ProviderDefinition;

export const isProviderName = (name: string): name is ProviderName =>
  Object.hasOwn(PROVIDERS, name);

type SettingOf<P extends ProviderName> =
  (typeof PROVIDERS)[P]['settings'][keyof (typeof PROVIDERS)[P]['settings']];
type EnvOf<S> = S extends { env: infer E extends string } ? E : never;

/** The environment variables of every provider's deployment settings. */
export type ProviderEnvName = { [P in ProviderName]: EnvOf<SettingOf<P>> }[ProviderName];

/** Every provider setting, with the provider it belongs to and its key there. */
export const PROVIDER_SETTINGS = PROVIDER_NAMES.flatMap((provider) =>
  Object.entries(providerDefinition(provider).settings).map(([key, s]) => ({
    provider,
    key,
    ...s,
    env: s.env as ProviderEnvName,
  })),
);

/** Each provider's own auth config field (e.g. `oauth2`), with the provider it belongs to. */
export const PROVIDER_CONFIG_FIELDS = PROVIDER_NAMES.flatMap((provider) => {
  const fields = providerDefinition(provider).configFields;
  return fields ? [{ provider, ...fields }] : [];
});

export interface Providers {
  get(name: ProviderName): Provider;
}

/**
 * Each provider's runtime, from its settings' values (`env` answers a setting's variable, as
 * config.ts parsed it). `dispatcher` serves the deployment's own URLs; `tenantDispatcher` (the
 * egress-policy agent) serves URLs that tenants supplied, so a client secret or a token never
 * goes to a private address.
 */
export function createProviders(opts: {
  env: (name: ProviderEnvName) => string;
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
  const { dispatcher, tenantDispatcher, env, ...common } = opts;
  const operator = createProviderHttp({ ...common, dispatcher });
  const tenant = createProviderHttp({ ...common, dispatcher: tenantDispatcher ?? dispatcher });
  const byName = new Map<ProviderName, Provider>();
  for (const name of PROVIDER_NAMES) {
    const def = providerDefinition(name);
    const urls = Object.fromEntries(
      Object.entries(def.settings).map(([key, s]) => [key, env(s.env as ProviderEnvName)]),
    );
    byName.set(name, def.create({ urls, http: { operator, tenant } }));
  }
  return { get: (name) => byName.get(name)! };
}
