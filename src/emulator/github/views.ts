// How the code/admin API shows apps (never their secret), users and repos.
import type { GhApp, GhRepo, GhUser } from './directory.ts';
import type { GithubAppView, GithubRepo, GithubUser } from './types.ts';

export function appView(a: GhApp): GithubAppView {
  return {
    clientId: a.clientId,
    name: a.name,
    callbackUrls: [...a.callbackUrls],
    expiringTokens: a.expiringTokens,
    accessTokenTtlSeconds: a.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: a.refreshTokenTtlSeconds,
    revokeGrantOnRefreshReuse: a.revokeGrantOnRefreshReuse,
  };
}

export function repoView(r: GhRepo): GithubRepo {
  return {
    id: r.id,
    name: r.name,
    fullName: `${r.owner.login}/${r.name}`,
    owner: r.owner.login,
    private: r.private,
    description: r.description,
  };
}

export function userView(u: GhUser): GithubUser {
  return {
    id: u.id,
    login: u.login,
    name: u.name,
    email: u.email,
    emailVerified: u.emailVerified,
    repos: u.repos.map(repoView),
  };
}
