/** The small HTML pages of the public connect routes: escaped, no scripts, strict CSP. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const REASONS: Record<string, string> = {
  user_denied: 'You declined the request, so nothing was connected.',
  state_expired: 'The sign-in took too long. Ask for a new link and try again.',
  code_exchange_failed:
    'The provider did not accept the sign-in. Ask for a new link and try again.',
  client_credentials_invalid:
    'The app is misconfigured (its client credentials were refused). Tell your administrator.',
  discovery_failed: 'The account was authorized but its sites could not be read. Try again.',
  pinned_site_not_granted: 'You did not grant access to the site this link was made for.',
  provider_unavailable: 'The provider is unavailable right now. Try again in a moment.',
  link_invalid: 'This link is invalid, has expired or has already been used. Ask for a new one.',
  callback_invalid: 'This sign-in response is invalid or has already been used.',
  auth_config_disabled: 'This integration is disabled.',
  issuer_mismatch: 'The sign-in response came from an unexpected server, so nothing was connected.',
  callback_moved:
    'This sign-in used an old callback address. Ask your administrator to register the callback URL the vault shows for this integration.',
  account_unavailable: 'This connection can no longer be completed.',
};

export function resultPage(ok: boolean, reason?: string): string {
  const ready = ok && reason === 'link_ready';
  const title = ready ? 'Connect your account' : ok ? 'Account connected' : 'Connection failed';
  const text = ready
    ? 'Open this link in your browser to connect your account.'
    : ok
      ? 'Your account is connected. You can close this window.'
      : (REASONS[reason ?? ''] ?? 'Something went wrong.');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${esc(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#172b4d}
h1{font-size:1.4rem}.r{color:#6b778c;font-size:.9rem}</style></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p>
${reason && !ok ? `<p class="r">reason: <code>${esc(reason)}</code></p>` : ''}</body></html>`;
}
