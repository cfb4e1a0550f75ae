import { badRequest } from './errors.ts';

/**
 * A return URL is allowed when its origin and path equal one of the auth config's allowed URLs
 * (its query may vary: callers often carry their own context there). No open redirect.
 */
export function checkReturnUrl(allowed: string[], returnUrl: string | undefined): string | null {
  if (returnUrl === undefined) return null;
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    throw badRequest('invalid_request', 'body.return_url is not a valid URL');
  }
  const key = (u: URL) => `${u.origin}${u.pathname}`;
  if (!/^https?:$/.test(url.protocol) || !allowed.some((a) => key(new URL(a)) === key(url))) {
    throw badRequest(
      'return_url_not_allowed',
      'body.return_url is not on the auth config’s allowed_return_urls',
      {
        field: 'body.return_url',
      },
    );
  }
  url.hash = '';
  return url.toString();
}

/** A pinned site is kept as its origin (https://your-team.atlassian.net). */
export function normalizeSiteUrl(siteUrl: string | undefined): string | null {
  if (siteUrl === undefined) return null;
  try {
    const u = new URL(siteUrl.includes('://') ? siteUrl : `https://${siteUrl}`);
    return u.origin;
  } catch {
    throw badRequest('invalid_request', 'body.site_url is not a valid site URL');
  }
}
