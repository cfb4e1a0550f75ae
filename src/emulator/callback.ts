// An app's callback URL: an exact URL (Atlassian's rule: redirect_uri must equal it, trailing slash
// included) or, for the emulator's demo app only, a prefix pattern ending in `/*` that stands for
// one more path segment (the vault gives every auth config its own callback `…/callback/{id}`).
import { EmuInputError } from './errors.ts';

const PATTERN_SUFFIX = '/*';
/** One non-empty path segment: no `/`, `?`, `#` or `*`, and not a dot segment. */
const SEGMENT = /^[^/?#*]+$/;

export function isCallbackPattern(callbackUrl: string): boolean {
  return callbackUrl.endsWith(PATTERN_SUFFIX);
}

/** Checks a callback URL or pattern given to the code/admin API; returns it unchanged. */
export function checkCallbackUrl(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '') throw new EmuInputError('callbackUrl is required');
  const pattern = isCallbackPattern(v);
  const base = pattern ? v.slice(0, -1) : v;
  if (pattern && (base.includes('*') || base.includes('?') || base.includes('#'))) {
    throw new EmuInputError(
      'a callbackUrl pattern is an absolute URL without query or fragment followed by /*',
    );
  }
  if (!pattern && v.includes('*')) {
    throw new EmuInputError('callbackUrl may contain * only as a final /* segment');
  }
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new EmuInputError('callbackUrl must be an absolute URL');
  }
  if (pattern && url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EmuInputError('a callbackUrl pattern must be an http(s) URL');
  }
  return v;
}

/** Whether redirect_uri is allowed by the app's callback URL. Plain string comparison, no decoding. */
export function callbackMatches(callbackUrl: string, redirectUri: string | undefined): boolean {
  if (redirectUri === undefined) return false;
  if (!isCallbackPattern(callbackUrl)) return redirectUri === callbackUrl;
  const prefix = callbackUrl.slice(0, -1); // keeps the trailing '/'
  if (!redirectUri.startsWith(prefix)) return false;
  const segment = redirectUri.slice(prefix.length);
  return SEGMENT.test(segment) && segment !== '.' && segment !== '..';
}
