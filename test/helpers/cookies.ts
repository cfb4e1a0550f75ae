/**
 * A browser's cookie jar, as far as the connect flow needs one: keeps what `Set-Cookie` headers
 * set (and drops what they expire) and sends every cookie whose path prefixes the request path.
 */
export function cookieJar() {
  const cookies = new Map<string, { value: string; path: string }>();
  return {
    absorb(res: { headers: Record<string, unknown> | Headers }) {
      const raw =
        res.headers instanceof Headers
          ? res.headers.getSetCookie()
          : ([] as string[]).concat((res.headers['set-cookie'] as string | string[]) ?? []);
      for (const line of raw) {
        const [pair, ...attrs] = line.split(';').map((p) => p.trim());
        const eq = pair!.indexOf('=');
        const name = pair!.slice(0, eq);
        const value = pair!.slice(eq + 1);
        const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
        const gone = attrs.some((a) => /^max-age=0$/i.test(a)) || value === '';
        const key = `${name}|${path}`;
        if (gone) cookies.delete(key);
        else cookies.set(key, { value, path });
      }
    },
    /** The Cookie header a browser would send to this path ({} when none apply). */
    headerFor(url: string): Record<string, string> {
      const path = new URL(url, 'http://x').pathname;
      const sent = [...cookies]
        .filter(([, c]) => path.startsWith(c.path))
        .map(([k, c]) => `${k.split('|')[0]}=${c.value}`);
      return sent.length ? { cookie: sent.join('; ') } : {};
    },
    size: () => cookies.size,
  };
}
