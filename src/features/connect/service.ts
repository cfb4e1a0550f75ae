import { createHash } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import type { Db } from '../../db/client.ts';
import type { Site } from '../../db/schema/index.ts';
import type { LinkKeys } from '../../crypto/link-keys.ts';
import type { Clock } from '../../lib/clock.ts';
import { unlessFound } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { Providers } from '../../providers/index.ts';
import { ProviderError, type ProviderApp } from '../../providers/types.ts';
import type { AuthConfigRow } from '../auth-configs/repo.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { ConnectedAccountService } from '../connected-accounts/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import { verifyLink } from './link.ts';
import * as repo from './repo.ts';

export type FlowResult =
  { redirect: string } | { page: { ok: boolean; reason?: string; status: number } };

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');
const verifierField = (tenantId: string, sessionId: string) => ({
  tenantId,
  table: 'connect_sessions',
  rowId: sessionId,
  column: 'code_verifier',
});

/**
 * The connect flow (SPEC §4): link → authorize → callback → code exchange → discovery → ACTIVE.
 * A forged, stale or replayed link or state changes nothing; every other failure ends the INITIATED
 * account FAILED with its reason and sends the user back saying so.
 */
export function createConnectFlowService(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  linkKeys: LinkKeys;
  accounts: ConnectedAccountService;
  authConfigs: AuthConfigService;
  dataKeys: DataKeyService;
  providers: Providers;
  callbackUrl: string;
  stateTtlSeconds: number;
}) {
  const { db, clock } = deps;
  const page = (ok: boolean, reason: string | undefined, status: number): FlowResult => ({
    page: { ok, reason, status },
  });

  /** The provider's view of the config; the secret is filled in per call (rotation fallback). */
  const providerApp = (config: AuthConfigRow, clientSecret = ''): ProviderApp => ({
    provider: config.provider,
    clientId: config.clientId,
    clientSecret,
    scopes: config.scopes,
    oauth2: config.oauth2,
    redirectUri: deps.callbackUrl,
  });

  async function openLink(token: string): Promise<FlowResult> {
    const now = clock.now();
    const claims = await verifyLink(deps.linkKeys, token, now);
    if (!claims) return page(false, 'link_invalid', 400);
    const account = await unlessFound(
      deps.accounts.get(claims.tenantId, claims.accountId),
      'connected_account_not_found',
    );
    if (!account || account.status === 'DISABLED') return page(false, 'account_unavailable', 410);
    const config = await deps.authConfigs.get(claims.tenantId, account.authConfigId);
    if (config.status !== 'enabled') return page(false, 'auth_config_disabled', 409);
    const provider = deps.providers.get(config.provider);
    const app = providerApp(config);
    const state = oauth.generateRandomState();
    const verifier = provider.usesPkce(app) ? oauth.generateRandomCodeVerifier() : null;
    const session = await repo.consumeLink(
      db,
      { id: claims.sessionId, tenantId: claims.tenantId, accountId: claims.accountId, now },
      {
        stateHash: hashState(state),
        stateExpiresAt: new Date(now.getTime() + deps.stateTtlSeconds * 1000),
        codeVerifierEnc: verifier
          ? await deps.dataKeys.encrypt(verifierField(claims.tenantId, claims.sessionId), verifier)
          : null,
      },
    );
    if (!session) return page(false, 'link_invalid', 410);
    const codeChallenge = verifier ? await oauth.calculatePKCECodeChallenge(verifier) : undefined;
    return { redirect: provider.authorizationUrl(app, { state, codeChallenge }) };
  }

  function back(
    session: repo.SessionRow,
    accountId: string,
    ok: boolean,
    reason?: string,
  ): FlowResult {
    if (!session.returnUrl) return page(ok, reason, ok ? 200 : 400);
    const url = new URL(session.returnUrl);
    url.searchParams.set('connected_account_id', accountId);
    url.searchParams.set('status', ok ? 'success' : 'error');
    if (reason) url.searchParams.set('error', reason);
    return { redirect: url.toString() };
  }

  async function fail(session: repo.SessionRow, reason: string): Promise<FlowResult> {
    const now = clock.now();
    await deps.accounts.markFailed(session.tenantId, session.accountId, reason);
    await repo.setOutcome(db, session.id, reason, now);
    return back(session, session.accountId, false, reason);
  }

  async function callback(query: {
    state?: string;
    code?: string;
    error?: string;
  }): Promise<FlowResult> {
    if (!query.state) return page(false, 'callback_invalid', 400);
    const now = clock.now();
    // Spend the state first: a replayed or forged state finds nothing and changes nothing.
    const session = await repo.consumeState(db, hashState(query.state), now);
    if (!session) return page(false, 'callback_invalid', 400);
    if (!session.stateExpiresAt || session.stateExpiresAt <= now)
      return fail(session, 'state_expired');
    if (query.error)
      return fail(session, query.error === 'access_denied' ? 'user_denied' : 'provider_error');
    if (!query.code) return fail(session, 'code_exchange_failed');

    const account = await unlessFound(
      deps.accounts.get(session.tenantId, session.accountId),
      'connected_account_not_found',
    );
    if (!account || account.status === 'DISABLED') return page(false, 'account_unavailable', 410);
    const config = await deps.authConfigs.get(session.tenantId, account.authConfigId);
    const provider = deps.providers.get(config.provider);
    const app = providerApp(config);
    const verifier = session.codeVerifierEnc
      ? await deps.dataKeys.decrypt(
          verifierField(session.tenantId, session.id),
          session.codeVerifierEnc,
        )
      : undefined;

    let tokens;
    try {
      tokens = await deps.authConfigs.withClientSecret(config, (secret) =>
        provider.exchangeCode(providerApp(config, secret), {
          code: query.code!,
          codeVerifier: verifier,
        }),
      );
    } catch (err) {
      // Only the provider's answers fail the flow; anything else (the database) surfaces as is.
      if (!(err instanceof ProviderError)) throw err;
      return fail(session, exchangeReason(err));
    }
    let discovery;
    try {
      discovery = await provider.discover(app, tokens.accessToken);
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      deps.logger.warn(
        { err: { message: (err as Error).message }, account: account.id },
        'discovery failed',
      );
      return fail(session, 'discovery_failed');
    }
    const selected = selectSite(discovery.sites, account.pinnedSiteUrl);
    if (selected === 'not_granted') return fail(session, 'pinned_site_not_granted');
    const activated = await deps.accounts.activate(session.tenantId, account.id, {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      tokenType: tokens.tokenType,
      // Counted from before the exchange: the provider's clock started no earlier than that.
      expiresAt: tokens.expiresIn ? new Date(now.getTime() + tokens.expiresIn * 1000) : null,
      lifetimeSeconds: tokens.expiresIn ?? null,
      grantedScopes: tokens.scopes ?? config.scopes,
      sites: discovery.sites,
      identity: discovery.identity,
      selectedCloudId: selected,
      familyExpiresAt: provider.familyLifetimeDays
        ? new Date(now.getTime() + provider.familyLifetimeDays * 86_400_000)
        : null,
    });
    if (!activated) return fail(session, 'account_unavailable');
    await repo.setOutcome(db, session.id, 'success', clock.now());
    return back(session, account.id, true);
  }

  return { openLink, callback };
}

function exchangeReason(err: ProviderError): string {
  if (err.kind === 'client_credentials') return 'client_credentials_invalid';
  if (err.kind === 'transient') return 'provider_unavailable';
  return 'code_exchange_failed';
}

/** The pinned site if granted; the only site when there is one; none guessed among several. */
function selectSite(sites: Site[], pinned: string | null): string | null | 'not_granted' {
  if (pinned) return sites.find((s) => new URL(s.url).origin === pinned)?.cloud_id ?? 'not_granted';
  return sites.length === 1 ? sites[0]!.cloud_id : null;
}
