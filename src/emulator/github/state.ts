// Everything the GitHub endpoints share: one instance per emulator, next to the Atlassian state.
import { GithubCounterSet } from './counters.ts';
import { GithubDirectory } from './directory.ts';
import { RateWindows } from './rate-limit.ts';
import { GithubTokens } from './tokens.ts';

/** An authorize request waiting for the user's decision on the consent page. */
export interface GhPending {
  clientId: string;
  redirectUri: string;
  state?: string;
  challenge?: string;
  /** The `login` hint: the account the page signs in with, if it is known. */
  login?: string;
}

export class GithubState {
  readonly dir = new GithubDirectory();
  readonly tokens = new GithubTokens();
  readonly counters = new GithubCounterSet();
  readonly rate: RateWindows;
  /** request_id -> authorization waiting for the consent decision. */
  readonly pending = new Map<string, GhPending>();

  constructor(rateLimitPerHour: number) {
    this.rate = new RateWindows(rateLimitPerHour);
  }
}
