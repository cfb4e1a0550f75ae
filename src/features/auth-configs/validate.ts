import type { AuthConfigRow } from '../../db/schema/index.ts';
import { badRequest } from '../../lib/errors.ts';
import { tenantUrl, type TenantUrlPolicy } from '../../lib/tenant-urls.ts';
import {
  PROVIDER_CONFIG_FIELDS,
  providerDefinition,
  type ProviderName,
} from '../../providers/index.ts';
import {
  DEFAULT_SCHEME,
  providersOffering,
  schemeOf,
  type AuthSchemeName,
} from '../../schemes/index.ts';

/** Allow-listed return URLs are kept normalised (WHATWG URL serialisation) for exact comparison. */
export function normalizeReturnUrls(urls: string[] | undefined, policy: TenantUrlPolicy): string[] {
  return [
    ...new Set(
      (urls ?? []).map((u, i) => tenantUrl(`body.allowed_return_urls[${i}]`, u, policy).toString()),
    ),
  ];
}

/**
 * Which scheme a new config uses, and that it fits: its provider offers the scheme, and the
 * client fields are there exactly when the scheme's configs hold a client.
 */
export function checkScheme(input: {
  provider: ProviderName;
  auth_scheme?: AuthSchemeName;
  client_id?: string;
  client_secret?: string;
}): AuthSchemeName {
  const scheme = input.auth_scheme ?? DEFAULT_SCHEME;
  if (!providerDefinition(input.provider).schemes.includes(scheme)) {
    throw badRequest(
      'invalid_request',
      `body.auth_scheme ${scheme} applies to provider ${providersOffering(scheme).join(' or ')} only`,
      { field: 'body.auth_scheme' },
    );
  }
  const holdsClient = schemeOf(scheme).configHoldsClient;
  for (const field of ['client_id', 'client_secret'] as const) {
    if (!holdsClient && input[field] !== undefined) {
      throw badRequest(
        'invalid_request',
        `body.${field}: an ${scheme} config holds no client; each connected account carries its own credential`,
        { field: `body.${field}` },
      );
    }
    if (holdsClient && input[field] === undefined) {
      throw badRequest('invalid_request', `body.${field} is required for auth_scheme ${scheme}`, {
        field: `body.${field}`,
      });
    }
  }
  return scheme;
}

/**
 * The provider settings to store for a config from the body's provider fields: the config's own
 * provider's field normalised (over `current` on an update), any other provider's field refused.
 * Undefined: an update that leaves them as they are.
 */
export function providerSettings(
  config: Pick<AuthConfigRow, 'provider' | 'authScheme' | 'settings'> | undefined,
  create: { provider: ProviderName; authScheme: AuthSchemeName } | undefined,
  input: Record<string, unknown>,
  policy: TenantUrlPolicy,
): unknown {
  const provider = (config ?? create)!.provider;
  const scheme = config?.authScheme ?? create!.authScheme;
  for (const f of PROVIDER_CONFIG_FIELDS) {
    if (f.provider !== provider && input[f.field] !== undefined)
      throw badRequest('invalid_request', `body.${f.field} applies to provider ${f.provider} only`);
  }
  const own = providerDefinition(provider).configFields;
  if (!own) return config ? undefined : null;
  const value = input[own.field];
  if (config && value === undefined) return undefined;
  return own.normalize(value, config?.settings ?? null, {
    policy,
    needsAuthorization: schemeOf(scheme).needsAuthorization,
  });
}
