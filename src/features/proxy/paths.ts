import { badRequest } from '../../lib/errors.ts';

/**
 * Proxied paths are checked as the caller sent them (raw, before any decoding or normalisation)
 * and refused unless every segment is plain: the URL the vault builds from them can then only
 * name a path under the API base, on the API base's host, however a server behind it reads it.
 */

// RFC 3986 pchar without '@' (userinfo tricks) and ':' handled per segment below. ';' is matched
// here so that its own rule below can name it.
const SEGMENT = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})+$/;
// What a percent-escape, or a character that Unicode compatibility normalisation (NFKC) turns
// into one (fullwidth ／ ＼ ＠ ％ ？ ＃ ；), may not stand for: separators, '@', '%' itself (a second
// round of decoding somewhere downstream), ';' (path parameters) and control characters.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const FORBIDDEN_DECODED = /[/\\@%?#;\x00-\x1f\x7f]/;

const hostile = (detail: string) =>
  badRequest('proxy_path_invalid', `the proxied path ${detail}; nothing was sent`);

/**
 * Whether a segment reads as `.` or `..` anywhere it may be read: as sent, after percent-decoding,
 * after NFKC (fullwidth ．, one-dot leader ․, two-dot leader ‥, small full stop ﹒ … become dots in
 * servers and frameworks that normalise), and up to a `;` (servlet containers take `..;x` for
 * `..` with a path parameter).
 */
function isDotSegment(decoded: string): boolean {
  for (const form of [decoded, decoded.normalize('NFKC')]) {
    const name = form.split(';', 1)[0]!;
    if (name === '.' || name === '..') return true;
  }
  return false;
}

/** The raw path after `/proxy/`, split into its segments; throws 400 `proxy_path_invalid`. */
export function proxySegments(raw: string): string[] {
  if (raw === '') throw hostile('is empty');
  if (raw.length > 4096) throw hostile('is longer than 4096 characters');
  const segments = raw.split('/');
  // A trailing slash is kept (some APIs distinguish it); an empty segment anywhere else is `//`.
  const last = segments.length - 1;
  segments.forEach((seg, i) => {
    if (seg === '') {
      if (i === last && i > 0) return;
      throw hostile('has an empty segment (// or a leading /)');
    }
    if (!SEGMENT.test(seg)) {
      throw hostile(
        `segment ${i + 1} has a character that is not allowed unencoded (backslash, @, space, control or non-ASCII)`,
      );
    }
    if (i === 0 && seg.includes(':'))
      throw hostile('starts with a scheme or host (an absolute URL)');
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      throw hostile(`segment ${i + 1} is not valid percent-encoding`);
    }
    if (isDotSegment(decoded))
      throw hostile(
        `segment ${i + 1} is a . or .. segment (as sent, percent-decoded, Unicode-normalised or before a ';')`,
      );
    if (seg.includes(';')) {
      // Atlassian's and GitHub's APIs take no path parameters; servers that do strip them before
      // routing, so a ';' could make the provider see another path than the one checked here.
      throw hostile(`segment ${i + 1} has a ';' (path parameters are not passed on)`);
    }
    if (seg !== decoded) {
      const nfkc = decoded.normalize('NFKC');
      if (FORBIDDEN_DECODED.test(decoded) || FORBIDDEN_DECODED.test(nfkc))
        throw hostile(
          `segment ${i + 1} encodes a separator, '@', '%', ';' or a control character (e.g. %2F, %5C, %25, %3B, or a fullwidth look-alike)`,
        );
    }
  });
  return segments;
}

/**
 * The provider URL for a proxied path: the base (always ending in '/') followed by the path as
 * sent, then checked once more to be on the base's origin and under its path.
 */
export function upstreamUrl(base: string, segments: string[], query: string): URL {
  const root = new URL(base.endsWith('/') ? base : `${base}/`);
  const url = new URL(`${root.href}${segments.join('/')}${query ? `?${query}` : ''}`);
  if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) {
    throw hostile('would leave the API base');
  }
  return url;
}

/** The raw path and query after `…/proxy/` of a request URL as it arrived. */
export function splitProxyUrl(rawUrl: string): { path: string; query: string } {
  const q = rawUrl.indexOf('?');
  const pathPart = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const at = pathPart.indexOf('/proxy/');
  return {
    path: at === -1 ? '' : pathPart.slice(at + '/proxy/'.length),
    query: q === -1 ? '' : rawUrl.slice(q + 1),
  };
}
