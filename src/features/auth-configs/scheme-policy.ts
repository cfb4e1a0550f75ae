import { AppError } from '../../lib/errors.ts';
import type { AuthSchemeName } from '../../schemes/index.ts';

/** A new auth config or account with a scheme the deployment does not allow (403). */
export const AUTH_SCHEME_FORBIDDEN = 'auth_scheme_forbidden';

/**
 * The deployment's scheme policy, ALLOWED_AUTH_SCHEMES (docs/credentials.md#scheme-policy): new
 * auth configs and new accounts must use an allowed scheme. What exists already keeps working (its
 * tokens are still served; the operator is told at start) so that a policy change never cuts a
 * running integration off without a decision.
 */
export function createSchemePolicy(allowed: readonly AuthSchemeName[]) {
  const allows = (scheme: AuthSchemeName) => allowed.includes(scheme);
  return {
    allowed,
    allows,
    /** throws 403 auth_scheme_forbidden unless `scheme` is allowed */
    assertAllowed(scheme: AuthSchemeName, what: 'auth configs' | 'accounts') {
      if (allows(scheme)) return;
      throw new AppError(
        AUTH_SCHEME_FORBIDDEN,
        403,
        'Forbidden',
        `this deployment does not allow new ${scheme} ${what} (it allows ${allowed.join(', ')}; the operator sets ALLOWED_AUTH_SCHEMES)`,
        { auth_scheme: scheme, allowed_auth_schemes: allowed },
      );
    },
  };
}

export type SchemePolicy = ReturnType<typeof createSchemePolicy>;
