// The GitHub half of the Emulator object (startEmulator()), shared with the admin HTTP API.
import type { EmulatorCore } from '../core.ts';
import { EmuInputError } from '../errors.ts';
import type { Emulator } from '../types.ts';
import { githubConsent } from './authorize.ts';
import { appView, repoView, userView } from './views.ts';
import { revokeGrant } from './token.ts';
import type {
  GithubIssueInput,
  GithubIssueRef,
  GithubRepo,
  GithubRepoInput,
  GithubUser,
  GithubUserInput,
} from './types.ts';

export function addGithubUser(core: EmulatorCore, input: GithubUserInput): GithubUser {
  return userView(core.github.dir.addUser(input, core.clock.now()));
}

export function addGithubRepo(
  core: EmulatorCore,
  login: string,
  input: GithubRepoInput,
): GithubRepo {
  return repoView(core.github.dir.addRepo(login, input, core.clock.now()));
}

/** An issue authored by the repository's owner. */
export function addGithubIssue(
  core: EmulatorCore,
  owner: string,
  repo: string,
  input: GithubIssueInput,
): GithubIssueRef {
  const r = core.github.dir.repo(owner, repo);
  if (!r) throw new EmuInputError(`unknown GitHub repo ${owner}/${repo}`, 404);
  const issue = core.github.dir.addIssue(r, input, r.owner.id, core.clock.now());
  return { id: issue.id, number: issue.number };
}

export function revokeGithubGrant(core: EmulatorCore, login: string, clientId: string): boolean {
  const user = core.github.dir.userByLogin(login);
  return user ? revokeGrant(core, user.id, clientId) : false;
}

type GithubMethods = Pick<
  Emulator,
  | 'addGithubApp'
  | 'setGithubAppCallbacks'
  | 'addGithubUser'
  | 'addGithubRepo'
  | 'addGithubIssue'
  | 'githubConsent'
  | 'revokeGithubGrant'
>;

export function githubMethods(core: EmulatorCore): GithubMethods {
  return {
    addGithubApp: (a) => appView(core.github.dir.addApp(a)),
    setGithubAppCallbacks: (clientId, urls) => void core.github.dir.setCallbacks(clientId, urls),
    addGithubUser: (u) => addGithubUser(core, u),
    addGithubRepo: (login, r) => addGithubRepo(core, login, r),
    addGithubIssue: (owner, repo, i) => addGithubIssue(core, owner, repo, i),
    githubConsent: async (p) => githubConsent(core, p),
    revokeGithubGrant: (login, clientId) => revokeGithubGrant(core, login, clientId),
  };
}
