// HTML for the consent and error pages. Everything interpolated is escaped; no JavaScript.
import { createHash } from 'node:crypto';
import type { EmuUser } from './types.ts';

/** Above this many users the consent page asks for ids in text fields instead of listing them. */
const MAX_LISTED_USERS = 50;

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#172b4d}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .3rem;font-weight:600}
select,input[type=text]{width:100%;padding:.4rem}ul{padding-left:1.2rem}code{background:#f4f5f7;padding:0 .2rem}
.actions{margin-top:1.5rem;display:flex;gap:.6rem}button{padding:.5rem 1.2rem;font-size:1rem;cursor:pointer}
button[value=approve]{background:#0052cc;color:#fff;border:0;border-radius:3px}
.error{border-left:4px solid #de350b;padding:.5rem 1rem;background:#ffebe6}.muted{color:#6b778c}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * CSP for our pages. Browsers apply form-action to every redirect after a form post, and the consent
 * form's redirect chain goes on from the client's callback to wherever the client sends the user next
 * (any origin), so form-action cannot be narrower than http(s).
 */
export function contentSecurityPolicy(_redirectUri?: string): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${STYLE_HASH}'`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self' http: https:",
  ].join('; ');
}

const ATLASSIAN_FOOTER = 'Atlassian 3LO emulator &mdash; a local test tool, not Atlassian.';

/** A page with the shared style (which the CSP allows by hash); `footer` is trusted HTML. */
export function layout(title: string, body: string, footer = ATLASSIAN_FOOTER): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${body}
<p class="muted">${footer}</p>
</body></html>`;
}

export function errorPage(message: string): string {
  return layout(
    'Something went wrong',
    `<h1>Something went wrong</h1>\n<div class="error" role="alert"><p>${escapeHtml(message)}</p></div>`,
  );
}

export interface ConsentView {
  appName: string;
  scopes: string[];
  requestId: string;
  users: EmuUser[];
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

function userLabel(u: EmuUser): string {
  return `${escapeHtml(u.name)} (${escapeHtml(u.email)})`;
}

function siteOptions(u: EmuUser): string {
  return u.sites
    .map(
      (s) =>
        `<option value="${escapeHtml(s.id)}">${escapeHtml(s.name)} &mdash; ${escapeHtml(s.url)}</option>`,
    )
    .join('\n');
}

function accountAndSiteFields(users: EmuUser[]): string {
  if (users.length > MAX_LISTED_USERS) {
    return `<label for="account_id">Account id</label><input type="text" id="account_id" name="account_id" required>
<label for="site_id">Site (cloud id; optional: defaults to the account's first site)</label><input type="text" id="site_id" name="site_id">`;
  }
  if (users.length === 1) {
    const u = users[0]!;
    let out = `<p>Signed in as <strong>${userLabel(u)}</strong></p>\n${hidden('account_id', u.accountId)}`;
    if (u.sites.length === 1) {
      const s = u.sites[0]!;
      out += `\n<p>Site: <strong>${escapeHtml(s.name)}</strong> (${escapeHtml(s.url)})</p>\n${hidden('site_id', s.id)}`;
    } else if (u.sites.length > 1) {
      out += `\n<label for="site_id">Use app on</label>\n<select id="site_id" name="site_id" required>\n${siteOptions(u)}\n</select>`;
    }
    return out;
  }
  const accounts = users
    .map((u) => `<option value="${escapeHtml(u.accountId)}">${userLabel(u)}</option>`)
    .join('\n');
  let out = `<label for="account_id">Account</label>\n<select id="account_id" name="account_id" required>\n${accounts}\n</select>`;
  const withSites = users.filter((u) => u.sites.length > 0);
  if (withSites.length > 0) {
    const groups = withSites
      .map(
        (u) =>
          `<optgroup label="${escapeHtml(u.name)} (${escapeHtml(u.email)})">\n${siteOptions(u)}\n</optgroup>`,
      )
      .join('\n');
    out += `\n<label for="site_id">Use app on (pick a site of the chosen account)</label>\n<select id="site_id" name="site_id">\n${groups}\n</select>`;
  }
  return out;
}

export function consentPage(v: ConsentView): string {
  const scopes = v.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('\n');
  return layout(
    `${v.appName} is requesting access`,
    `<h1>${escapeHtml(v.appName)} is requesting access to your Atlassian account</h1>
<form method="post" action="/authorize/decision">
${hidden('request_id', v.requestId)}
${accountAndSiteFields(v.users)}
<p>${escapeHtml(v.appName)} would like to:</p>
<ul class="scopes">
${scopes}
</ul>
<div class="actions">
<button name="decision" value="approve">Approve</button>
<button name="decision" value="deny">Deny</button>
</div>
</form>`,
  );
}
