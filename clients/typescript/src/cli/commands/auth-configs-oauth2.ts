// The generic provider's settings (provider oauth2) as flags of auth-configs create and update.
import type { AuthConfig, CreateAuthConfig } from '../../types.js';
import { choiceFlag, pairsFlag } from '../args.js';
import type { Options, Values } from '../command.js';
import { UsageError } from '../exit.js';

type OAuth2 = NonNullable<CreateAuthConfig['oauth2']>;

/** The generic provider's knobs (provider oauth2), as flags. */
export const OAUTH2_OPTIONS = {
  'authorization-url': { type: 'string', value: '<url>', help: 'oauth2: the authorize endpoint' },
  'token-url': { type: 'string', value: '<url>', help: 'oauth2: the token endpoint' },
  'auth-param': {
    type: 'string',
    multiple: true,
    value: '<name=value>',
    help: 'oauth2: an extra authorization request parameter',
  },
  'token-request-format': {
    type: 'string',
    value: 'json|form',
    help: 'oauth2: token request body',
  },
  'client-auth': {
    type: 'string',
    value: 'client_secret_post|client_secret_basic',
    help: 'oauth2: how the client authenticates at the token endpoint',
  },
  pkce: { type: 'boolean', help: 'oauth2: use PKCE (S256)' },
  'no-pkce': { type: 'boolean', help: 'oauth2: do not use PKCE' },
  'include-scope-in-token-request': {
    type: 'boolean',
    help: 'oauth2: send the scope in token requests too',
  },
  'scope-separator': { type: 'string', value: "' '|,|+", help: 'oauth2: how scopes are joined' },
  issuer: { type: 'string', value: '<url>', help: 'oauth2: RFC 9207 issuer the callback checks' },
  'api-base-url': { type: 'string', value: '<url>', help: 'oauth2: where the proxy sends calls' },
} as const satisfies Options;

/** The oauth2 object from its flags over `base` (the config's current one on update). */
export function oauth2From(
  v: Values<typeof OAUTH2_OPTIONS>,
  base?: AuthConfig['oauth2'],
): OAuth2 | undefined {
  const given = Object.entries(v).some(([, x]) => x !== undefined);
  if (!given) return undefined;
  if (v.pkce && v['no-pkce']) throw new UsageError('--pkce and --no-pkce contradict each other');
  // null means "not set" in answers; requests leave such fields out
  const o = Object.fromEntries(
    Object.entries(base ?? {}).filter(([, x]) => x !== null),
  ) as Partial<OAuth2>;
  if (v['authorization-url'] !== undefined) o.authorization_url = v['authorization-url'];
  if (v['token-url'] !== undefined) o.token_url = v['token-url'];
  if (v['auth-param'] !== undefined) {
    o.authorization_params = pairsFlag(v['auth-param'], 'auth-param');
  }
  if (v['token-request-format'] !== undefined) {
    o.token_request_format = choiceFlag(v['token-request-format'], 'token-request-format', [
      'json',
      'form',
    ]);
  }
  if (v['client-auth'] !== undefined) {
    o.client_auth = choiceFlag(v['client-auth'], 'client-auth', [
      'client_secret_post',
      'client_secret_basic',
    ]);
  }
  if (v.pkce) o.pkce = true;
  if (v['no-pkce']) o.pkce = false;
  if (v['include-scope-in-token-request']) o.include_scope_in_token_request = true;
  if (v['scope-separator'] !== undefined) {
    o.scope_separator = choiceFlag(v['scope-separator'], 'scope-separator', [' ', ',', '+']);
  }
  if (v.issuer !== undefined) o.issuer = v.issuer;
  if (v['api-base-url'] !== undefined) o['api_base_url'] = v['api-base-url'];
  if (o.token_url === undefined) throw new UsageError('--token-url is required with oauth2 flags');
  return o as OAuth2;
}

export function pickOAuth2(values: Record<string, unknown>): Values<typeof OAUTH2_OPTIONS> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(OAUTH2_OPTIONS)) out[k] = values[k];
  return out as Values<typeof OAUTH2_OPTIONS>;
}
