import { Type } from 'typebox';
import type { AuthConfigRow } from '../db/schema/index.ts';
import { badRequest } from '../lib/errors.ts';
import { normalizeSiteUrl } from '../lib/return-url.ts';
import { PROVIDER_NAMES, providerDefinition } from '../providers/index.ts';
import { accountField } from './sealed.ts';
import type { PresentedRow, ProviderAccess, SchemeStrategy } from './types.ts';

/**
 * A create-body field more than one scheme takes, declared once: every scheme naming it names the
 * same schema (the registry refuses two different schemas under one name).
 */
export const SiteUrl = Type.String({
  minLength: 1,
  maxLength: 512,
  description:
    'oauth2_3lo and client_credentials: pin the Atlassian site, e.g. https://acme.atlassian.net; api_token: the site a classic API token calls',
});

/** The site an account pins (`site_url`, kept as its origin), where its provider has sites. */
export function pinnedSite(
  ctx: Pick<ProviderAccess, 'definition'>,
  config: AuthConfigRow,
  siteUrl: unknown,
): string | null {
  const pinned = normalizeSiteUrl(siteUrl as string | undefined);
  if (pinned && !ctx.definition(config).pinsSites) {
    const which = PROVIDER_NAMES.filter((p) => providerDefinition(p).pinsSites);
    throw badRequest(
      'invalid_request',
      `body.site_url applies to auth configs of provider ${which.join(' or ')} only`,
    );
  }
  return pinned;
}

/** An OAuth access token, as the caller sends it (`Bearer` unless the provider said otherwise). */
export const presentAccessToken: SchemeStrategy['present'] = (ctx, a: PresentedRow) => {
  const tokenType = a.tokenType ?? 'Bearer';
  const credential = ctx.open(accountField(a.tenantId, a.id, 'access_token'), a.accessTokenEnc!);
  return typeof credential === 'string'
    ? { tokenType, credential }
    : credential.then((c) => ({ tokenType, credential: c }));
};
