import { badRequest } from './errors.ts';

/**
 * URLs that tenants supply (provider endpoints, return URLs, webhooks, API bases) must be https:
 * a code, a token or a secret travels to or through them. Plain http only where the operator
 * allows private egress (development, tests, the emulator): docs/security.md#egress.
 */
export interface TenantUrlPolicy {
  allowHttp: boolean;
}

/** The URL, parsed and checked; throws a 400 naming the field. */
export function tenantUrl(field: string, raw: string, policy: TenantUrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('invalid_request', `${field} is not a valid URL`);
  }
  if (url.protocol === 'https:' || (policy.allowHttp && url.protocol === 'http:')) return url;
  throw badRequest(
    'insecure_url',
    policy.allowHttp
      ? `${field} must be an http(s) URL`
      : `${field} must be an https URL (plain http only with ALLOW_PRIVATE_EGRESS=true, for development)`,
    { field },
  );
}
