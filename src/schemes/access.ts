import type { AuthConfigRow } from '../db/schema/index.ts';
import { providerDefinition, type Providers } from '../providers/index.ts';
import type { ProviderApp } from '../providers/types.ts';
import type { ProviderAccess } from './types.ts';

/**
 * The provider side of configs, as the strategies reach it: the provider a config names, and its
 * client (the secret filled in per call by the auth-config service, with its rotation fallback).
 */
export const providerAccess = (
  providers: Providers,
  client: {
    providerApp(config: AuthConfigRow): ProviderApp;
    withClientApp<T>(config: AuthConfigRow, call: (app: ProviderApp) => Promise<T>): Promise<T>;
  },
): ProviderAccess => ({
  provider: (config) => providers.get(config.provider),
  definition: (config) => providerDefinition(config.provider),
  providerApp: (config) => client.providerApp(config),
  withClientApp: (config, call) => client.withClientApp(config, call),
});
