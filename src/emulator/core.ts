// The emulator's shared state: one instance behind both the code API and the HTTP API.
import { AccountStore } from './accounts.ts';
import { createClock } from './clock.ts';
import { ContentStore } from './content.ts';
import { CounterSet } from './counters.ts';
import { FaultController } from './faults.ts';
import { GithubState } from './github/state.ts';
import { RequestLog } from './requests.ts';
import { Directory } from './state.ts';
import { TokenStore } from './tokens.ts';
import type { Counters, EmulatorClock } from './types.ts';

export interface CoreOptions {
  leewaySeconds: number;
  accessTokenTtlSeconds: number;
  authCodeTtlSeconds: number;
  /** GitHub's primary rate limit per user per hour. */
  githubRateLimit: number;
}

/** How many API requests the request log keeps. */
export const REQUEST_LOG_SIZE = 200;

export interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  challenge?: string;
  challengeMethod?: 'S256' | 'plain';
}

export class EmulatorCore {
  readonly clock: EmulatorClock = createClock();
  readonly dir = new Directory();
  readonly accounts = new AccountStore(this.dir);
  /** Jira issues/attachments and Confluence pages, per site. */
  readonly content = new ContentStore();
  readonly requests = new RequestLog(REQUEST_LOG_SIZE);
  readonly tokens = new TokenStore();
  readonly counters = new CounterSet();
  readonly faults = new FaultController(() => this.counters.inc('faultsInjected'));
  /** request_id -> authorization waiting for the consent decision. */
  readonly pending = new Map<string, PendingAuthorization>();
  /** The GitHub endpoints' apps, users, tokens and counters. */
  readonly github: GithubState;

  constructor(readonly opts: CoreOptions) {
    this.github = new GithubState(opts.githubRateLimit);
  }

  countersSnapshot(): Counters {
    return { ...this.counters.snapshot(), github: this.github.counters.snapshot() };
  }

  resetCounters(): void {
    this.counters.reset();
    this.github.counters.reset();
  }
}
