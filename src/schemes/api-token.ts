import { Type, type Static } from 'typebox';
import type { AccountRow, AuthConfigRow } from '../db/schema/index.ts';
import type { FieldRef } from '../db/sealed-fields.ts';
import { badRequest, conflict } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { nextCredentialCheckAt } from '../lib/schedule.ts';
import { tenantUrl } from '../lib/tenant-urls.ts';
import { basicCredential } from '../providers/http.ts';
import type { ApiTokenCredential, BoundSite, Identity, Provider } from '../providers/types.ts';
import { providerRefusal } from './refusal.ts';
import { accountField } from './sealed.ts';
import { SiteUrl } from './shared.ts';
import type { CreateContext, PresentedRow, ProviderAccess, SchemeStrategy } from './types.ts';

const CloudId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9-]+$' });

/** An API token (write-only: stored encrypted, never in any response). */
export const ApiTokenCredentials = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320, pattern: '^[^\\s:]+@[^\\s:]+$' }),
    api_token: Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'write-only',
    }),
    expires_at: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'the expiry chosen when the token was created (1–365 days); omit if none',
      }),
    ),
  },
  { additionalProperties: false, description: 'write-only' },
);
type ApiTokenInput = Static<typeof ApiTokenCredentials>;

const MAX_TOKEN_DAYS = 366;

/** The sealed credential: JSON {email, api_token}, so the token path decrypts once. */
async function openCredential(
  ctx: { open(ref: FieldRef, sealed: string): string | Promise<string> },
  row: Pick<AccountRow, 'tenantId' | 'id' | 'apiTokenEnc'>,
): Promise<ApiTokenCredential> {
  const plain = await ctx.open(accountField(row.tenantId, row.id, 'api_token'), row.apiTokenEnc!);
  const v = JSON.parse(plain) as { email: string; api_token: string };
  return { email: v.email, apiToken: v.api_token };
}

const sealCredential = (
  ctx: Pick<CreateContext, 'seal'>,
  tenantId: string,
  id: string,
  cred: ApiTokenInput,
) =>
  ctx.seal(
    accountField(tenantId, id, 'api_token'),
    JSON.stringify({ email: cred.email, api_token: cred.api_token }),
  );

/** Where the token is used: a classic token's site URL, or a scoped token's cloud id. */
const siteOf = (row: Pick<AccountRow, 'apiSiteUrl' | 'selectedCloudId'>): BoundSite => ({
  siteUrl: row.apiSiteUrl,
  cloudId: row.apiSiteUrl ? null : row.selectedCloudId,
});

function expiryOf(cred: ApiTokenInput, now: Date): Date | null {
  if (cred.expires_at === undefined) return null;
  const at = new Date(cred.expires_at);
  const field = { field: 'body.credentials.expires_at' };
  if (at <= now)
    throw badRequest('credential_expired', 'body.credentials.expires_at has passed', field);
  if (at.getTime() - now.getTime() > MAX_TOKEN_DAYS * 86_400_000) {
    throw badRequest(
      'invalid_request',
      'body.credentials.expires_at: Atlassian API tokens live at most 365 days',
      field,
    );
  }
  return at;
}

/** A classic token's site base (https://acme.atlassian.net): a tenant URL, egress-checked. */
async function siteBase(ctx: Pick<CreateContext, 'urlPolicy' | 'checkUrl'>, raw: string) {
  const u = tenantUrl('body.site_url', raw, ctx.urlPolicy);
  if (u.search || u.hash || u.username || u.password) {
    throw badRequest(
      'invalid_request',
      'body.site_url must be a site URL such as https://acme.atlassian.net (no query, fragment or user info)',
      { field: 'body.site_url' },
    );
  }
  const base = `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  await ctx.checkUrl(base);
  return base;
}

const verifier = (p: Provider) => {
  if (!p.verifyApiToken) throw new TypeError('the provider takes no API tokens');
  return p.verifyApiToken.bind(p);
};

/** The provider's answer to who the credential is, or the 400/502 saying why not. */
async function verified(
  ctx: Pick<ProviderAccess, 'provider'>,
  config: AuthConfigRow,
  site: BoundSite,
  cred: ApiTokenInput,
): Promise<Identity> {
  try {
    return await verifier(ctx.provider(config))(config.tenantId, site, {
      email: cred.email,
      apiToken: cred.api_token,
    });
  } catch (err) {
    throw providerRefusal(err, 'credential_invalid', 'the site refused the API token');
  }
}

/**
 * API tokens over HTTP Basic (`email:token`), one per account: verified with the provider before
 * anything is stored or replaced, sealed as one value, used at a classic token's site URL (a
 * tenant URL: https, egress-checked) or a scoped token's gateway cloud id. It cannot be renewed:
 * the worker checks it daily, warns before its expiry and expires it at its expiry or when the
 * site refuses it.
 */
export const apiTokenScheme: SchemeStrategy = {
  summary:
    'Atlassian API tokens over HTTP Basic, one per connected account (atlassian only; no client id/secret)',
  configHoldsClient: false,
  needsAuthorization: false,
  servedBy: (p) => p.verifyApiToken !== undefined,
  sealedFields: ['api_token'],

  createFields: {
    site_url: SiteUrl,
    cloud_id: {
      ...CloudId,
      description:
        'api_token: the cloud id of the site a scoped API token calls through the gateway',
    },
    credentials: ApiTokenCredentials,
  },
  async create(ctx, config, input) {
    const cred = input.credentials as ApiTokenInput | undefined;
    if (!cred) {
      throw badRequest(
        'invalid_request',
        'body.credentials ({email, api_token}) is required for api_token auth configs',
        { field: 'body.credentials' },
      );
    }
    if ((input.site_url === undefined) === (input.cloud_id === undefined)) {
      throw badRequest(
        'invalid_request',
        'exactly one of body.site_url (classic token) and body.cloud_id (scoped token) is required',
        { field: 'body.site_url' },
      );
    }
    const now = ctx.clock.now();
    const expiresAt = expiryOf(cred, now);
    const site: BoundSite = {
      siteUrl: input.site_url !== undefined ? await siteBase(ctx, input.site_url as string) : null,
      cloudId: (input.cloud_id as string | undefined) ?? null,
    };
    const identity = await verified(ctx, config, site, cred);
    const id = newId('ca', now);
    const at = ctx.clock.now();
    const account = await ctx.insertActive({
      id,
      userId: input.user_id,
      apiTokenEnc: await sealCredential(ctx, config.tenantId, id, cred),
      apiSiteUrl: site.siteUrl,
      selectedCloudId: site.cloudId,
      tokenType: 'Basic',
      expiresAt,
      grantedScopes: config.scopes,
      identity,
      generation: 1,
      lastCheckedAt: at,
      nextCheckAt: nextCredentialCheckAt(at, expiresAt, false),
    });
    return { account, link: null };
  },
  replaceCredential: {
    input: ApiTokenCredentials,
    /** The same account id, a token the provider accepted, ACTIVE again. */
    async replace(ctx, row, input) {
      const cred = input as ApiTokenInput;
      if (row.status === 'DISABLED') {
        throw conflict(
          'account_disabled',
          `connected account ${row.id} is disabled; enable it first`,
        );
      }
      const config = await ctx.config(row);
      const expiresAt = expiryOf(cred, ctx.clock.now());
      const identity = await verified(ctx, config, siteOf(row), cred);
      // Replacing a token must not quietly hand the account to someone else.
      if (row.identity && identity.account_id !== row.identity.account_id) {
        throw badRequest(
          'credential_identity_mismatch',
          `body.credentials: the token belongs to another Atlassian account than ${row.id}'s; create a new connected account for it`,
          { field: 'body.credentials' },
        );
      }
      const at = ctx.clock.now();
      return ctx.writeReplaced(row, {
        apiTokenEnc: await sealCredential(ctx, row.tenantId, row.id, cred),
        expiresAt,
        identity,
        credentialExpiringNotifiedAt: null,
        lastCheckedAt: at,
        nextCheckAt: nextCredentialCheckAt(at, expiresAt, false),
        checkFailures: 0,
        lastErrorCode: null,
        lastErrorAt: null,
      });
    },
  },
  reconnectRefusal: (id) =>
    `connected account ${id} holds an API token: replace it with PATCH {credentials}`,
  fixedSite: true,

  renewal: {
    kind: 'check',
    verify: async (ctx, row, config) =>
      verifier(ctx.provider(config))(row.tenantId, siteOf(row), await openCredential(ctx, row)),
    expiredReason: 'credential_expired',
    rejectedReason: 'credential_invalid',
  },
  holdsCredential: (a) => a.apiTokenEnc !== null,
  // Past its expiry the token path refuses it without a write; the worker's check records it.
  lapsed: (a, now) => (a.expiresAt && a.expiresAt <= now ? 'credential_expired' : null),
  present: async (ctx, a: PresentedRow) => {
    const cred = await openCredential(ctx, a);
    return { tokenType: 'Basic', credential: basicCredential(cred.email, cred.apiToken) };
  },
  boundSite: siteOf,
  credentialView: (r) => ({
    site_url: r.apiSiteUrl,
    cloud_id: r.apiSiteUrl ? null : r.selectedCloudId,
    last_checked_at: r.lastCheckedAt?.toISOString() ?? null,
    next_check_at: r.nextCheckAt?.toISOString() ?? null,
    expiring_notified_at: r.credentialExpiringNotifiedAt?.toISOString() ?? null,
  }),
};
