import { Type } from 'typebox';
import { checkReturnUrl } from '../lib/return-url.ts';
import { accountField } from './sealed.ts';
import { SiteUrl, pinnedSite, presentAccessToken } from './shared.ts';
import type { SchemeStrategy } from './types.ts';

/**
 * User consent (OAuth 2.0 authorization code): an account starts INITIATED with a single-use
 * connect link; the connect flow stores its grant. Its access token is renewed with its refresh
 * token (rotating ones included: leases and the generation compare-and-swap keep one refresher),
 * and a grant the provider calls dead (invalid_grant) expires it unless another refresher already
 * stored the successor.
 */
export const oauth2ThreeLegged: SchemeStrategy = {
  summary: 'user consent through the connect flow (default)',
  configHoldsClient: true,
  needsAuthorization: true,
  servedBy: () => true,
  sealedFields: ['access_token', 'refresh_token'],

  createFields: { return_url: Type.String({ maxLength: 2048 }), site_url: SiteUrl },
  async create(ctx, config, input) {
    const returnUrl = checkReturnUrl(
      config.allowedReturnUrls,
      input.return_url as string | undefined,
    );
    const pinnedSiteUrl = pinnedSite(ctx, config, input.site_url);
    return ctx.insertInitiated({ userId: input.user_id, pinnedSiteUrl }, returnUrl);
  },
  fixedSite: false,

  renewal: {
    kind: 'renew',
    // A grant without a refresh token (a provider that gives none, or a token that never
    // expires) is used while its access token lives; nothing can renew it.
    blocked: (a) => (a.hasRefreshToken ? null : 'refresh_token_missing'),
    async renew(ctx, row, config) {
      const refreshToken = await ctx.open(
        accountField(row.tenantId, row.id, 'refresh_token'),
        row.refreshTokenEnc!,
      );
      return ctx.withClientApp(config, (app) => ctx.provider(config).refresh(app, refreshToken));
    },
    fatal: (err) =>
      err.kind === 'invalid_grant'
        ? { reason: 'refresh_token_invalid', unless: 'superseded' }
        : null,
  },
  holdsCredential: (a) => a.accessTokenEnc !== null,
  present: presentAccessToken,
  boundSite: () => null,
};
