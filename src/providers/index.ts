import type { Dispatcher } from 'undici';
import { createAtlassianProvider } from './atlassian.ts';
import { createProviderHttp } from './http.ts';
import { createOauth2Provider } from './oauth2.ts';
import type { Provider } from './types.ts';

export interface Providers {
  get(kind: 'atlassian' | 'oauth2'): Provider;
}

export function createProviders(opts: {
  authUrl: string;
  apiUrl: string;
  timeoutMs: number;
  dispatcher?: Dispatcher;
}): Providers {
  const http = createProviderHttp(opts.timeoutMs, opts.dispatcher);
  const byKind = {
    atlassian: createAtlassianProvider({ authUrl: opts.authUrl, apiUrl: opts.apiUrl }, http),
    oauth2: createOauth2Provider(http),
  };
  return { get: (kind) => byKind[kind] };
}
