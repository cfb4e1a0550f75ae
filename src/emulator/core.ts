// The emulator's shared state: one instance behind both the code API and the HTTP API.
import { createClock } from './clock.ts';
import { CounterSet } from './counters.ts';
import { FaultController } from './faults.ts';
import { Directory } from './state.ts';
import { TokenStore } from './tokens.ts';
import type { EmulatorClock } from './types.ts';

export interface CoreOptions {
  leewaySeconds: number;
  accessTokenTtlSeconds: number;
  authCodeTtlSeconds: number;
}

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
  readonly tokens = new TokenStore();
  readonly counters = new CounterSet();
  readonly faults = new FaultController(() => this.counters.inc('faultsInjected'));
  /** request_id -> authorization waiting for the consent decision. */
  readonly pending = new Map<string, PendingAuthorization>();

  constructor(readonly opts: CoreOptions) {}
}
