// An open-loop load at an evenly spaced fixed rate: request i is due at start + i/rate, whether or
// not earlier ones have answered, and its latency counts from when it was due (so a stall shows as
// the queue it causes — no coordinated omission). autocannon's `overallRate` sends each second's
// quota in a burst, which makes its p99 a measure of its own bursts.
import { Pool } from 'undici';

export interface OpenLoopRequest {
  method: 'POST' | 'GET';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OpenLoopResult {
  rate: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

const pct = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

export async function openLoop(o: {
  url: string;
  requests: OpenLoopRequest[];
  rate: number;
  durationS: number;
  connections: number;
}): Promise<OpenLoopResult> {
  const pool = new Pool(o.url, { connections: o.connections, pipelining: 1 });
  const total = Math.round(o.rate * o.durationS);
  const latencies: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + (next * 1000) / o.rate <= now) {
        const due = start + (next * 1000) / o.rate;
        const r = o.requests[next % o.requests.length]!;
        next++;
        inflight.push(
          pool
            .request({ method: r.method, path: r.path, headers: r.headers, body: r.body })
            .then(async (res) => {
              await res.body.dump();
              latencies.push(performance.now() - due);
              if (res.statusCode >= 200 && res.statusCode < 300) ok++;
              else non2xx++;
            })
            .catch(() => void errors++),
        );
      }
      // Sleep until the next request is due (timers fire at ~1 ms granularity: no busy loop).
      if (next < total) setTimeout(tick, Math.max(0, start + (next * 1000) / o.rate - now));
      else resolve();
    };
    tick();
  });
  await Promise.all(inflight);
  await pool.close();
  latencies.sort((a, b) => a - b);
  return {
    rate: o.rate,
    sent: total,
    ok,
    non2xx,
    errors,
    p50: pct(latencies, 0.5),
    p90: pct(latencies, 0.9),
    p99: pct(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
  };
}
