import type { SessionRow, AuthConfigRow } from '../../db/schema/index.ts';
import * as oauth from 'oauth4webapi';
import type { Db } from '../../db/client.ts';
import type { LinkKeys } from '../../crypto/link-keys.ts';
import type { Clock } from '../../lib/clock.ts';
import { unlessFound } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { ids, traced, type SpanNote } from '../../lib/tracing.ts';
import { providerDefinition, type Providers } from '../../providers/index.ts';
import { ProviderError } from '../../providers/types.ts';
import { familyEnd, grantOf, selectSite } from '../../schemes/grant.ts';
import type { AuthConfigService } from '../auth-configs/service.ts';
import type { GrantWriter } from '../connected-accounts/grants.ts';
import type { ConnectedAccountService } from '../connected-accounts/service.ts';
import type { DataKeyService } from '../data-keys/service.ts';
import {
  bindingCookieName,
  bindingCookies,
  isLinkPreviewer,
  newBinding,
  sha256,
  type CookieSpec,
} from './binding.ts';
import { verifyLink } from './link-token.ts';
import * as repo from './repo.ts';

export interface FlowResult {
  redirect?: string;
  page?: { ok: boolean; reason?: string; status: number };
  /** cookies to set (the browser binding) and to clear (a finished flow) */
  cookies?: CookieSpec[];
}

export interface BrowserRequest {
  method: string;
  userAgent?: string;
  cookies: Record<string, string | undefined>;
}

const verifierField = (tenantId: string, sessionId: string) =>
  ({ tenantId, field: 'code_verifier', rowId: sessionId }) as const;

/**
 * The connect flow: link → authorize → callback → code exchange → discovery → ACTIVE.
 * A forged, stale or replayed link or state — or one from another browser, or for another
 * config's callback — changes nothing; every other failure ends the INITIATED account FAILED
 * with its reason and sends the user back saying so.
 */
export function createConnectFlowService(deps: {
  db: Db;
  clock: Clock;
  logger: Logger;
  linkKeys: LinkKeys;
  accounts: Pick<ConnectedAccountService, 'get'>;
  grants: Pick<GrantWriter, 'markFailed' | 'activate'>;
  authConfigs: Pick<AuthConfigService, 'get' | 'providerApp' | 'withClientApp'>;
  dataKeys: Pick<DataKeyService, 'encrypt' | 'decrypt'>;
  providers: Providers;
  stateTtlSeconds: number;
}) {
  const { db, clock } = deps;
  const page = (ok: boolean, reason: string | undefined, status: number): FlowResult => ({
    page: { ok, reason, status },
  });

  /** A fresh state (and PKCE verifier where the provider takes it), sealed for the session. */
  async function newState(config: AuthConfigRow, tenantId: string, sessionId: string, now: Date) {
    const app = deps.authConfigs.providerApp(config);
    const provider = deps.providers.get(config.provider);
    const state = oauth.generateRandomState();
    const verifier = provider.usesPkce(app) ? oauth.generateRandomCodeVerifier() : null;
    const set = {
      stateHash: sha256(state),
      stateExpiresAt: new Date(now.getTime() + deps.stateTtlSeconds * 1000),
      codeVerifierEnc: verifier
        ? await deps.dataKeys.encrypt(verifierField(tenantId, sessionId), verifier)
        : null,
    };
    const codeChallenge = verifier ? await oauth.calculatePKCECodeChallenge(verifier) : undefined;
    return { set, authorizeUrl: provider.authorizationUrl(app, { state, codeChallenge }) };
  }

  /** A flow step's outcome in its span: `redirect`, `ok`, or the reason the page gives. */
  const flowOutcome = (r: FlowResult) =>
    r.page ? (r.page.reason ?? (r.page.ok ? 'ok' : 'error')) : r.redirect ? 'redirect' : 'ok';

  const openLink = (token: string, req: BrowserRequest) =>
    traced('connect.authorize', {}, (note) => openLinkTraced(token, req, note), flowOutcome);

  async function openLinkTraced(
    token: string,
    req: BrowserRequest,
    note: SpanNote,
  ): Promise<FlowResult> {
    const now = clock.now();
    const claims = await verifyLink(deps.linkKeys, token, now);
    if (!claims) return page(false, 'link_invalid', 400);
    note.set(ids({ tenantId: claims.tenantId, accountId: claims.accountId }));
    // A HEAD or a link previewer sees that the link is good and uses nothing up.
    if (req.method === 'HEAD' || isLinkPreviewer(req.userAgent))
      return page(true, 'link_ready', 200);
    const account = await unlessFound(
      deps.accounts.get(claims.tenantId, claims.accountId),
      'connected_account_not_found',
    );
    if (!account || account.status === 'DISABLED') return page(false, 'account_unavailable', 410);
    const config = await deps.authConfigs.get(claims.tenantId, account.authConfigId);
    note.set({ 'cv.auth_config_id': config.id, 'cv.provider': config.provider });
    if (config.status !== 'enabled') return page(false, 'auth_config_disabled', 409);
    const { set, authorizeUrl } = await newState(config, claims.tenantId, claims.sessionId, now);

    const cookieValue = req.cookies[bindingCookieName(claims.sessionId)];
    const ttl = deps.stateTtlSeconds;
    if (cookieValue) {
      // This browser opened the link before: resume the flow it started instead of refusing.
      const resumed = await repo.resumeLink(
        db,
        { id: claims.sessionId, tenantId: claims.tenantId, bindingHash: sha256(cookieValue), now },
        set,
      );
      if (resumed) {
        return {
          redirect: authorizeUrl,
          cookies: bindingCookies(claims.sessionId, cookieValue, config.id, ttl),
        };
      }
    }
    const binding = newBinding();
    const session = await repo.consumeLink(
      db,
      { id: claims.sessionId, tenantId: claims.tenantId, accountId: claims.accountId, now },
      { ...set, bindingHash: sha256(binding), authConfigId: config.id },
    );
    if (!session) return page(false, 'link_invalid', 410);
    return { redirect: authorizeUrl, cookies: bindingCookies(session.id, binding, config.id, ttl) };
  }

  function back(
    session: SessionRow,
    ok: boolean,
    reason: string | undefined,
    cookies: CookieSpec[],
  ): FlowResult {
    if (!session.returnUrl) return { ...page(ok, reason, ok ? 200 : 400), cookies };
    const url = new URL(session.returnUrl);
    url.searchParams.set('connected_account_id', session.accountId);
    url.searchParams.set('status', ok ? 'success' : 'error');
    if (reason) url.searchParams.set('error', reason);
    return { redirect: url.toString(), cookies };
  }

  async function fail(
    session: SessionRow,
    reason: string,
    cookies: CookieSpec[],
  ): Promise<FlowResult> {
    const now = clock.now();
    await deps.grants.markFailed(session.tenantId, session.accountId, reason);
    await repo.setOutcome(db, session.tenantId, session.id, reason, now);
    return back(session, false, reason, cookies);
  }

  const callback = (
    configId: string,
    query: { state?: string; code?: string; error?: string; iss?: string },
    req: BrowserRequest,
  ) =>
    traced(
      'connect.callback',
      { 'cv.auth_config_id': configId },
      (note) => callbackTraced(configId, query, req, note),
      flowOutcome,
    );

  async function callbackTraced(
    configId: string,
    query: { state?: string; code?: string; error?: string; iss?: string },
    req: BrowserRequest,
    note: SpanNote,
  ): Promise<FlowResult> {
    const invalid = page(false, 'callback_invalid', 400);
    if (!query.state) return invalid;
    const now = clock.now();
    const stateHash = sha256(query.state);
    // Only a session of the config in the path, in the browser that opened its link, may go on;
    // anything else changes nothing at all.
    const found = await repo.sessionByState(db, stateHash);
    if (!found || found.authConfigId !== configId || !found.bindingHash) return invalid;
    const cookieValue = req.cookies[bindingCookieName(found.id)];
    if (!cookieValue || sha256(cookieValue) !== found.bindingHash) return invalid;
    const session = await repo.consumeState(db, {
      tenantId: found.tenantId,
      id: found.id,
      stateHash,
      bindingHash: found.bindingHash,
      now,
    });
    if (!session) return invalid;
    note.set(ids({ tenantId: session.tenantId, accountId: session.accountId }));
    const done = bindingCookies(session.id, '', configId, 0);
    if (!session.stateExpiresAt || session.stateExpiresAt <= now)
      return fail(session, 'state_expired', done);
    if (query.error)
      return fail(
        session,
        query.error === 'access_denied' ? 'user_denied' : 'provider_error',
        done,
      );
    if (!query.code) return fail(session, 'code_exchange_failed', done);

    // Re-checked now: an admin may have disabled the config or the account since the link opened.
    const account = await unlessFound(
      deps.accounts.get(session.tenantId, session.accountId),
      'connected_account_not_found',
    );
    if (!account || account.status === 'DISABLED')
      return { ...page(false, 'account_unavailable', 410), cookies: done };
    const config = await deps.authConfigs.get(session.tenantId, account.authConfigId);
    if (config.status !== 'enabled') return fail(session, 'auth_config_disabled', done);
    const provider = deps.providers.get(config.provider);
    // RFC 9207: an authorization server that names itself must be the one this config talks to.
    if (
      query.iss !== undefined &&
      !provider.issuerMatches(deps.authConfigs.providerApp(config), query.iss)
    )
      return fail(session, 'issuer_mismatch', done);
    const verifier = session.codeVerifierEnc
      ? await deps.dataKeys.decrypt(
          verifierField(session.tenantId, session.id),
          session.codeVerifierEnc,
        )
      : undefined;

    let tokens;
    try {
      tokens = await traced('connect.code_exchange', { 'cv.provider': config.provider }, () =>
        deps.authConfigs.withClientApp(config, (app) =>
          provider.exchangeCode(app, { code: query.code!, codeVerifier: verifier }),
        ),
      );
    } catch (err) {
      // Only the provider's answers fail the flow; anything else (the database) surfaces as is.
      if (!(err instanceof ProviderError)) throw err;
      return fail(session, exchangeReason(err), done);
    }
    let discovery;
    try {
      const accessToken = tokens.accessToken;
      discovery = await traced(
        'connect.discovery',
        { 'cv.provider': config.provider },
        async (n) => {
          const d = await provider.discover(deps.authConfigs.providerApp(config), accessToken);
          n.set({ 'cv.sites': d.sites.length });
          return d;
        },
      );
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      deps.logger.warn(
        { err: { message: (err as Error).message }, account: account.id },
        'discovery failed',
      );
      return fail(session, 'discovery_failed', done);
    }
    const selected = selectSite(discovery.sites, account.pinnedSiteUrl);
    if (selected === 'not_granted') return fail(session, 'pinned_site_not_granted', done);
    // Counted from before the exchange: the provider's clock started no earlier than that.
    const grant = grantOf(tokens, now);
    const activated = await deps.grants.activate(session.tenantId, account.id, {
      ...grant,
      grantedScopes: tokens.scopes ?? config.scopes,
      sites: discovery.sites,
      identity: discovery.identity,
      selectedCloudId: selected,
      familyExpiresAt: familyEnd(
        now,
        providerDefinition(config.provider).familyLifetimeDays,
        grant.refreshExpiresAt,
      ),
    });
    if (!activated) return fail(session, 'account_unavailable', done);
    await repo.setOutcome(db, session.tenantId, session.id, 'success', clock.now());
    return back(session, true, undefined, done);
  }

  return { openLink, callback };
}

export type ConnectFlowService = ReturnType<typeof createConnectFlowService>;

function exchangeReason(err: ProviderError): string {
  if (err.kind === 'invalid_client') return 'client_credentials_invalid';
  if (err.kind === 'transient') return 'provider_unavailable';
  return 'code_exchange_failed';
}
