import type { Counters } from './types.ts';

type Scalar = Exclude<keyof Counters, 'refreshesByFamily' | 'github'>;

export class CounterSet {
  private values: Record<Scalar, number> = CounterSet.zero();
  private byFamily = new Map<string, number>();

  private static zero(): Record<Scalar, number> {
    return {
      tokenRequests: 0,
      codeExchanges: 0,
      refreshes: 0,
      reuseInsideLeeway: 0,
      reuseOutsideLeeway: 0,
      familiesRevoked: 0,
      invalidGrant: 0,
      faultsInjected: 0,
      refreshWithScopeParam: 0,
      issuedAfterHold: 0,
      clientCredentialsRequests: 0,
      clientCredentialsIssued: 0,
      invalidClient: 0,
    };
  }

  inc(name: Scalar): void {
    this.values[name]++;
  }

  refreshed(familyId: string): void {
    this.values.refreshes++;
    this.byFamily.set(familyId, (this.byFamily.get(familyId) ?? 0) + 1);
  }

  snapshot(): Omit<Counters, 'github'> {
    return { ...this.values, refreshesByFamily: Object.fromEntries(this.byFamily) };
  }

  reset(): void {
    this.values = CounterSet.zero();
    this.byFamily.clear();
  }
}
