import assert from 'node:assert/strict';
import { startMetricsListener } from '../../src/features/metrics/listener.ts';
import type { TestVault } from './vault.ts';

/**
 * The vault's Prometheus text, as its metrics listener serves it (the in-process test vault runs
 * no listener of its own: one is started for the read). `gauges: true` first computes the
 * database-backed gauges, which the vault does on an interval.
 */
export async function readMetrics(
  vault: TestVault,
  opts: { gauges?: boolean } = { gauges: true },
): Promise<Metrics> {
  if (opts.gauges) await vault.deps.metrics.refreshGauges();
  const listener = await startMetricsListener(vault.deps.metrics, { host: '127.0.0.1', port: 0 });
  try {
    const res = await fetch(listener.url);
    const text = await res.text();
    assert.equal(res.status, 200, `/metrics answered ${res.status}: ${text}`);
    assert.match(String(res.headers.get('content-type')), /^text\/plain/);
    return parseMetrics(text);
  } finally {
    await listener.close();
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Metrics {
  text: string;
  /** metric family name → its TYPE (counter, gauge, histogram, …) */
  families: Map<string, string>;
  samples: Sample[];
  /**
   * The value of the one sample of `name` whose labels include `labels`. A family that is not
   * exposed, or a label set it has no sample for, fails the assertion (never a silent 0).
   */
  value(name: string, labels?: Record<string, string>): number;
  /**
   * Asserts that the family is exposed but has no sample with these labels yet: what a labelled
   * prom-client counter looks like before its first increment.
   */
  assertNoSample(name: string, labels: Record<string, string>): void;
  /** Asserts that each family is exposed (has # TYPE) under exactly this name. */
  assertFamilies(...names: string[]): void;
}

const familyOf = (sample: string, families: Map<string, string>) => {
  if (families.has(sample)) return sample;
  const base = sample.replace(/_(bucket|sum|count|total|created)$/, '');
  return families.has(base) ? base : undefined;
};

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
    out[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return out;
}

export function parseMetrics(text: string): Metrics {
  const families = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1]!, type[2]!);
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    assert.ok(m, `unparseable metrics line: ${line}`);
    samples.push({ name: m[1]!, labels: parseLabels(m[2] ?? ''), value: Number(m[3]) });
  }
  return {
    text,
    families,
    samples,
    value(name, labels = {}) {
      assert.ok(familyOf(name, families), `metric ${name} is not exposed at all`);
      const want = Object.entries(labels);
      const hits = samples.filter(
        (s) => s.name === name && want.every(([k, v]) => s.labels[k] === v),
      );
      const seen = samples.filter((s) => s.name === name).map((s) => JSON.stringify(s.labels));
      assert.ok(
        hits.length > 0,
        `no ${name} sample with ${JSON.stringify(labels)}; exposed: ${seen.join(' ') || 'none'}`,
      );
      assert.equal(
        hits.length,
        1,
        `${JSON.stringify(labels)} matches ${hits.length} ${name} samples: ${seen.join(' ')}`,
      );
      return hits[0]!.value;
    },
    assertNoSample(name, labels) {
      assert.ok(familyOf(name, families), `metric ${name} is not exposed at all`);
      const want = Object.entries(labels);
      const hit = samples.find((s) => s.name === name && want.every(([k, v]) => s.labels[k] === v));
      assert.equal(hit, undefined, `${name} already has ${JSON.stringify(hit?.labels)}`);
    },
    assertFamilies(...names) {
      for (const n of names)
        assert.ok(
          families.has(n),
          `metric family ${n} is not exposed; exposed: ${[...families.keys()].join(', ')}`,
        );
    },
  };
}
