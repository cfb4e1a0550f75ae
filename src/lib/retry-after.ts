/** Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date); undefined when absent. */
export function retryAfterSeconds(h: string | string[] | undefined, now: Date): number | undefined {
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.max(0, n);
  const d = Date.parse(v);
  return Number.isNaN(d) ? undefined : Math.max(0, Math.ceil((d - now.getTime()) / 1000));
}
