// Which connected account a call is about, and how that maps to the vault's routes.

/**
 * Chooses a connected account the way the token endpoint does:
 * - `{ connectedAccountId }`: that account;
 * - `{ authConfigId, userId }`: the config's account of that end user;
 * - `{ authConfigId, connectedAccountId }`: that account, checked to belong to the config;
 * - `{ authConfigId }`: the config's only (or only ACTIVE) account.
 */
export type Selector =
  | { connectedAccountId: string; authConfigId?: undefined; userId?: undefined }
  | { authConfigId: string; userId: string; connectedAccountId?: undefined }
  | { authConfigId: string; connectedAccountId: string; userId?: undefined }
  | { authConfigId: string; userId?: undefined; connectedAccountId?: undefined };

type Resolved =
  | { kind: 'account'; accountId: string }
  | { kind: 'user'; configId: string; userId: string }
  | { kind: 'config-account'; configId: string; accountId: string }
  | { kind: 'config'; configId: string };

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function resolveSelector(s: Selector): Resolved {
  const { authConfigId, userId, connectedAccountId } = (s ?? {}) as Record<string, unknown>;
  if (authConfigId === undefined) {
    if (nonEmpty(connectedAccountId) && userId === undefined) {
      return { kind: 'account', accountId: connectedAccountId };
    }
  } else if (nonEmpty(authConfigId)) {
    if (userId !== undefined && connectedAccountId !== undefined) {
      throw new TypeError('selector: pass userId or connectedAccountId, not both');
    }
    if (nonEmpty(userId)) return { kind: 'user', configId: authConfigId, userId };
    if (nonEmpty(connectedAccountId)) {
      return { kind: 'config-account', configId: authConfigId, accountId: connectedAccountId };
    }
    if (userId === undefined && connectedAccountId === undefined) {
      return { kind: 'config', configId: authConfigId };
    }
  }
  throw new TypeError(
    'selector must be { connectedAccountId }, { authConfigId }, { authConfigId, userId } or { authConfigId, connectedAccountId } with non-empty strings',
  );
}

/**
 * A cache key per selector. Lengths are part of it so that no two selectors share one, whatever
 * characters their ids and user ids contain.
 */
export function selectorKey(s: Selector): string {
  const r = resolveSelector(s);
  switch (r.kind) {
    case 'account':
      return `a:${r.accountId}`;
    case 'user':
      return `u${r.configId.length}:${r.configId}${r.userId}`;
    case 'config-account':
      return `c${r.configId.length}:${r.configId}${r.accountId}`;
    case 'config':
      return `g:${r.configId}`;
  }
}

const seg = encodeURIComponent;

/** `POST` path and body (without min_ttl) of the token endpoint for this selector. */
export function tokenRoute(s: Selector): { path: string; body: Record<string, string> } {
  const r = resolveSelector(s);
  switch (r.kind) {
    case 'account':
      return { path: `/v1/connected-accounts/${seg(r.accountId)}/token`, body: {} };
    case 'user':
      return { path: `/v1/auth-configs/${seg(r.configId)}/token`, body: { user_id: r.userId } };
    case 'config-account':
      return {
        path: `/v1/auth-configs/${seg(r.configId)}/token`,
        body: { connected_account_id: r.accountId },
      };
    case 'config':
      return { path: `/v1/auth-configs/${seg(r.configId)}/token`, body: {} };
  }
}

/** Proxy base path (docs/proxy.md) and the headers that choose the account under an auth config. */
export function proxyRoute(s: Selector): { base: string; headers: Record<string, string> } {
  const r = resolveSelector(s);
  switch (r.kind) {
    case 'account':
      return { base: `/v1/connected-accounts/${seg(r.accountId)}/proxy/`, headers: {} };
    case 'user':
      return {
        base: `/v1/auth-configs/${seg(r.configId)}/proxy/`,
        headers: { 'x-vault-user-id': r.userId },
      };
    case 'config-account':
      return {
        base: `/v1/auth-configs/${seg(r.configId)}/proxy/`,
        headers: { 'x-vault-connected-account-id': r.accountId },
      };
    case 'config':
      return { base: `/v1/auth-configs/${seg(r.configId)}/proxy/`, headers: {} };
  }
}

/**
 * The provider path as given (`jira/rest/api/3/myself`, `confluence/wiki/api/v2/pages?limit=5`),
 * refused when it could leave the proxy prefix once a URL parser normalises it: `.`/`..` segments
 * (also percent-encoded), backslashes, absolute URLs. Otherwise `../../token` would reach the
 * vault's own routes with the vault key.
 */
export function proxyPath(path: string): string {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError('path must be a non-empty string such as "jira/rest/api/3/myself"');
  }
  const p = path.replace(/^\/+/, '');
  const end = p.search(/[?#]/);
  const pathname = end === -1 ? p : p.slice(0, end);
  if (/^[a-z][a-z0-9+.-]*:/i.test(pathname) || pathname.includes('\\')) {
    throw new TypeError(`path must be relative to the provider's API base, got ${path}`);
  }
  for (const segment of pathname.split('/')) {
    const decoded = segment.replace(/%2e/gi, '.');
    if (decoded === '.' || decoded === '..') {
      throw new TypeError(`path must not contain "." or ".." segments, got ${path}`);
    }
  }
  return p;
}

/** `POST` path and body of the route that mints a proxy token for this selector. */
export function proxyTokenRoute(s: Selector): { path: string; body: Record<string, string> } {
  const r = resolveSelector(s);
  switch (r.kind) {
    case 'account':
      return { path: `/v1/connected-accounts/${seg(r.accountId)}/proxy-token`, body: {} };
    case 'user':
      return {
        path: `/v1/auth-configs/${seg(r.configId)}/proxy-token`,
        body: { user_id: r.userId },
      };
    case 'config-account':
      return {
        path: `/v1/auth-configs/${seg(r.configId)}/proxy-token`,
        body: { connected_account_id: r.accountId },
      };
    case 'config':
      return { path: `/v1/auth-configs/${seg(r.configId)}/proxy-token`, body: {} };
  }
}
