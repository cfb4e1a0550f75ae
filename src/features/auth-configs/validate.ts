import type { AuthScheme } from '../../db/schema/index.ts';
import type { Oauth2Settings } from '../../providers/types.ts';
import { badRequest } from '../../lib/errors.ts';
import { tenantUrl, type TenantUrlPolicy } from '../../lib/tenant-urls.ts';
import {
  ATLASSIAN_IMPLICIT_SCOPES,
  isKnownAtlassianScope,
  nearestAtlassianScope,
} from '../../providers/atlassian-scopes.ts';
import type { Oauth2InputT } from './schemas.ts';

/** Dedupes scopes and, for Atlassian, checks each against the catalog, suggesting the nearest. */
export function normalizeScopes(provider: 'atlassian' | 'oauth2', scopes: string[]): string[] {
  const unique = [...new Set(scopes)];
  if (provider !== 'atlassian') return unique;
  unique.forEach((scope) => {
    if (!isKnownAtlassianScope(scope)) {
      const suggestion = nearestAtlassianScope(scope);
      throw badRequest(
        'unknown_scope',
        `body.scopes: "${scope}" is not a known Atlassian scope; did you mean "${suggestion}"?`,
        {
          field: `body.scopes[${scopes.indexOf(scope)}]`,
          scope,
          suggestion,
        },
      );
    }
  });
  if (unique.every((s) => ATLASSIAN_IMPLICIT_SCOPES.includes(s))) {
    throw badRequest(
      'invalid_request',
      'body.scopes must include at least one Jira or Confluence scope',
    );
  }
  return unique;
}

export function normalizeOauth2(
  provider: 'atlassian' | 'oauth2',
  input: Oauth2InputT | undefined,
  current: Oauth2Settings | null,
  policy: TenantUrlPolicy,
  scheme: AuthScheme = 'oauth2_3lo',
): Oauth2Settings | null {
  if (provider === 'atlassian') {
    if (input) throw badRequest('invalid_request', 'body.oauth2 applies to provider oauth2 only');
    return null;
  }
  const merged = { ...current, ...input };
  // Client credentials have no authorization step: the token URL is all they need.
  if (!merged.token_url || (scheme === 'oauth2_3lo' && !merged.authorization_url)) {
    throw badRequest(
      'invalid_request',
      scheme === 'oauth2_3lo'
        ? 'body.oauth2 with authorization_url and token_url is required for provider oauth2'
        : 'body.oauth2 with token_url is required for provider oauth2',
    );
  }
  for (const field of ['authorization_url', 'token_url', 'issuer', 'api_base_url'] as const) {
    const value = merged[field];
    if (value) tenantUrl(`body.oauth2.${field}`, value, policy);
  }
  return {
    authorization_url: merged.authorization_url ?? null,
    token_url: merged.token_url,
    authorization_params: merged.authorization_params ?? {},
    token_request_format: merged.token_request_format ?? 'form',
    client_auth: merged.client_auth ?? 'client_secret_basic',
    include_scope_in_token_request: merged.include_scope_in_token_request ?? false,
    pkce: merged.pkce ?? true,
    scope_separator: merged.scope_separator ?? ' ',
    issuer: merged.issuer ?? null,
    // without a trailing slash: proxied paths are appended after one
    api_base_url: merged.api_base_url ? merged.api_base_url.replace(/\/+$/, '') : null,
  };
}

/** Allow-listed return URLs are kept normalised (WHATWG URL serialisation) for exact comparison. */
export function normalizeReturnUrls(urls: string[] | undefined, policy: TenantUrlPolicy): string[] {
  return [
    ...new Set(
      (urls ?? []).map((u, i) => tenantUrl(`body.allowed_return_urls[${i}]`, u, policy).toString()),
    ),
  ];
}

/**
 * Which scheme a new config uses, and that its client fields fit it: api_token configs (Atlassian
 * only) hold no client; the others need both the id and the secret.
 */
export function checkScheme(input: {
  provider: 'atlassian' | 'oauth2';
  auth_scheme?: AuthScheme;
  client_id?: string;
  client_secret?: string;
}): AuthScheme {
  const scheme = input.auth_scheme ?? 'oauth2_3lo';
  if (scheme === 'api_token') {
    if (input.provider !== 'atlassian') {
      throw badRequest(
        'invalid_request',
        'body.auth_scheme api_token applies to provider atlassian only',
        {
          field: 'body.auth_scheme',
        },
      );
    }
    for (const field of ['client_id', 'client_secret'] as const) {
      if (input[field] !== undefined) {
        throw badRequest(
          'invalid_request',
          `body.${field}: an api_token config holds no client; each connected account carries its own API token`,
          { field: `body.${field}` },
        );
      }
    }
    return scheme;
  }
  for (const field of ['client_id', 'client_secret'] as const) {
    if (input[field] === undefined) {
      throw badRequest('invalid_request', `body.${field} is required for auth_scheme ${scheme}`, {
        field: `body.${field}`,
      });
    }
  }
  return scheme;
}
