import { badRequest } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { ProviderError, type Provider } from '../providers/types.ts';
import { grantOf, selectSite } from './grant.ts';
import { badGateway, outboundFailure, providerRefusal } from './refusal.ts';
import { SiteUrl, pinnedSite, presentAccessToken } from './shared.ts';
import type { SchemeStrategy } from './types.ts';

const clientCredentials = (p: Provider) => {
  if (!p.clientCredentials) throw new TypeError('the provider takes no client credentials');
  return p.clientCredentials.bind(p);
};

/**
 * A service account's OAuth 2.0 client credentials: the account is created by the API alone,
 * ACTIVE once the vault holds a token for it (sites discovered with it). There is no refresh token
 * to lose: a new token is asked for before expiry, through the same leases and compare-and-swap as
 * refreshes. A refused secret expires the account unless the secret changed meanwhile, and a new
 * secret on the config revives it.
 */
export const clientCredentialsScheme: SchemeStrategy = {
  summary: 'a service account’s OAuth 2.0 client credentials (accounts created by the API alone)',
  configHoldsClient: true,
  needsAuthorization: false,
  servedBy: (p) => p.clientCredentials !== undefined,
  sealedFields: ['access_token'],

  createFields: { site_url: SiteUrl },
  // Every provider call comes before the insert: a refusal leaves nothing behind.
  async create(ctx, config, input) {
    const pinned = pinnedSite(ctx, config, input.site_url);
    const provider = ctx.provider(config);
    const sentAt = ctx.clock.now();
    let tokens;
    try {
      tokens = await ctx.withClientApp(config, (app) => clientCredentials(provider)(app));
    } catch (err) {
      throw providerRefusal(
        err,
        'client_credentials_invalid',
        'the provider refused the client credentials',
      );
    }
    let discovery;
    try {
      discovery = await provider.discover(ctx.providerApp(config), tokens.accessToken, {
        identityOptional: true,
      });
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      throw (
        outboundFailure(err, 'site discovery failed: ') ??
        badGateway(`site discovery failed: ${err.message}`)
      );
    }
    const selected = selectSite(discovery.sites, pinned);
    if (selected === 'not_granted') {
      throw badRequest(
        'pinned_site_not_granted',
        `body.site_url: the service account has no access to ${pinned}`,
        { field: 'body.site_url' },
      );
    }
    const now = ctx.clock.now();
    const id = newId('ca', now);
    const grant = await ctx.grantColumns(
      { tenantId: config.tenantId, id, generation: 0 },
      grantOf(tokens, sentAt),
      now,
    );
    const account = await ctx.insertActive({
      ...grant,
      id,
      userId: input.user_id,
      pinnedSiteUrl: pinned,
      grantedScopes: tokens.scopes ?? config.scopes,
      sites: discovery.sites,
      identity: discovery.identity,
      selectedCloudId: selected,
    });
    return { account, link: null };
  },
  reconnectRefusal: (id) =>
    `connected account ${id} uses client credentials: fix the auth config's client_secret instead`,
  fixedSite: false,

  renewal: {
    kind: 'renew',
    blocked: () => null,
    renew: (ctx, _row, config) =>
      ctx.withClientApp(config, (app) => clientCredentials(ctx.provider(config))(app)),
    // The secret is refused: final, unless it was rotated while the call was out (then the new
    // one deserves its try).
    fatal: (err) =>
      err.kind === 'invalid_client' || err.kind === 'invalid_grant'
        ? { reason: 'client_credentials_invalid', unless: 'secret_rotated' }
        : null,
    revivedBySecretChange: 'client_credentials_invalid',
  },
  holdsCredential: (a) => a.accessTokenEnc !== null,
  present: presentAccessToken,
  boundSite: () => null,
};
