// What the GitHub endpoints saw, for tests to assert on (reset with the Atlassian counters).
import type { GithubCounters } from './types.ts';

type Scalar = Exclude<keyof GithubCounters, 'refreshesByFamily' | 'tokenErrors'>;

export class GithubCounterSet {
  private values: Record<Scalar, number> = GithubCounterSet.zero();
  private readonly byFamily = new Map<string, number>();
  private readonly errors = new Map<string, number>();

  private static zero(): Record<Scalar, number> {
    return {
      tokenRequests: 0,
      codeExchanges: 0,
      refreshes: 0,
      refreshReuse: 0,
      grantsRevoked: 0,
      badCredentials: 0,
      rateLimited: 0,
      issuedAfterHold: 0,
    };
  }

  inc(name: Scalar): void {
    this.values[name]++;
  }

  refreshed(chainId: string): void {
    this.values.refreshes++;
    this.byFamily.set(chainId, (this.byFamily.get(chainId) ?? 0) + 1);
  }

  tokenError(error: string): void {
    this.errors.set(error, (this.errors.get(error) ?? 0) + 1);
  }

  snapshot(): GithubCounters {
    return {
      ...this.values,
      refreshesByFamily: Object.fromEntries(this.byFamily),
      tokenErrors: Object.fromEntries(this.errors),
    };
  }

  reset(): void {
    this.values = GithubCounterSet.zero();
    this.byFamily.clear();
    this.errors.clear();
  }
}
