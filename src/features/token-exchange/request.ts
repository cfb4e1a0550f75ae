import { ID_PATTERN } from '../../lib/ids.ts';
import { PROXY_TOKEN_TYPE } from '../proxy-tokens/token.ts';
import { OAuthError } from './errors.ts';

// The token exchange's parameters (RFC 8693 §2.1), checked before any token is looked at.

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** The JWTs a subject or actor token may be (all verified the same way, against the issuer). */
export const JWT_TOKEN_TYPES = [
  'urn:ietf:params:oauth:token-type:jwt',
  'urn:ietf:params:oauth:token-type:id_token',
  ACCESS_TOKEN_TYPE,
];

export interface ExchangeRequest {
  grant_type: string;
  subject_token?: string;
  subject_token_type?: string;
  actor_token?: string;
  actor_token_type?: string;
  resource?: string;
  audience?: string;
  requested_token_type?: string;
  min_ttl?: number;
}

const CONFIG_ID = new RegExp(ID_PATTERN('ac'));

const invalid = (detail: string, code = 'invalid_request') =>
  new OAuthError('invalid_request', code, detail);

/**
 * The auth config named by `resource` (its URL: `resourcePrefix` and its id) or `audience` (its id).
 */
export function targetOf(r: ExchangeRequest, resourcePrefix: string): string {
  const fromResource =
    r.resource === undefined
      ? undefined
      : r.resource.startsWith(resourcePrefix)
        ? r.resource.slice(resourcePrefix.length)
        : '';
  if (fromResource === undefined && r.audience === undefined)
    throw invalid('resource (the auth config’s URL) or audience (its id) is required');
  if (fromResource !== undefined && r.audience !== undefined && fromResource !== r.audience)
    throw new OAuthError(
      'invalid_target',
      'invalid_target',
      'resource and audience name different auth configs',
    );
  const id = fromResource ?? r.audience!;
  if (!CONFIG_ID.test(id))
    throw new OAuthError(
      'invalid_target',
      'auth_config_not_found',
      `${r.resource !== undefined ? 'resource' : 'audience'} names no auth config (expected ${resourcePrefix}ac_… or ac_…)`,
    );
  return id;
}

/** The request's parameters checked; the token type it asks for. */
export function checkRequest(r: ExchangeRequest) {
  if (r.grant_type !== TOKEN_EXCHANGE_GRANT)
    throw new OAuthError(
      'unsupported_grant_type',
      'unsupported_grant_type',
      `grant_type must be ${TOKEN_EXCHANGE_GRANT}`,
    );
  if (!r.subject_token) throw invalid('subject_token is required');
  if (!r.subject_token_type || !JWT_TOKEN_TYPES.includes(r.subject_token_type))
    throw invalid(
      `subject_token_type must be one of ${JWT_TOKEN_TYPES.join(', ')}`,
      'unsupported_token_type',
    );
  if (r.actor_token !== undefined || r.actor_token_type !== undefined) {
    if (!r.actor_token) throw invalid('actor_token_type was sent without actor_token');
    if (!r.actor_token_type || !JWT_TOKEN_TYPES.includes(r.actor_token_type))
      throw invalid(
        `actor_token_type must be one of ${JWT_TOKEN_TYPES.join(', ')}`,
        'unsupported_token_type',
      );
  }
  const requested = r.requested_token_type ?? ACCESS_TOKEN_TYPE;
  if (requested !== ACCESS_TOKEN_TYPE && requested !== PROXY_TOKEN_TYPE)
    throw invalid(
      `requested_token_type must be ${ACCESS_TOKEN_TYPE} or ${PROXY_TOKEN_TYPE}`,
      'unsupported_token_type',
    );
  if (
    r.min_ttl !== undefined &&
    !(Number.isInteger(r.min_ttl) && r.min_ttl >= 0 && r.min_ttl <= 3300)
  )
    throw invalid('min_ttl must be an integer of 0-3300 seconds');
  return requested;
}
