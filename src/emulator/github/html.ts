// HTML for GitHub's consent ("Authorize <app>") and error pages. Everything interpolated is escaped.
import { escapeHtml, layout } from '../html.ts';
import type { GhUser } from './directory.ts';

const FOOTER = 'GitHub emulator &mdash; a local test tool, not GitHub.';
/** Above this many users the page asks for a login in a text field instead of listing them. */
const MAX_LISTED_USERS = 50;

export function githubErrorPage(message: string): string {
  return layout(
    'Something went wrong',
    `<h1>Something went wrong</h1>\n<div class="error" role="alert"><p>${escapeHtml(message)}</p></div>`,
    FOOTER,
  );
}

export interface GithubConsentView {
  appName: string;
  requestId: string;
  redirectUri: string;
  /** The account the `login` hint named: the page is signed in as it. */
  signedIn?: GhUser;
  users: GhUser[];
}

function label(u: GhUser): string {
  return u.name ? `${escapeHtml(u.login)} (${escapeHtml(u.name)})` : escapeHtml(u.login);
}

function accountField(v: GithubConsentView): string {
  const only = v.signedIn ?? (v.users.length === 1 ? v.users[0] : undefined);
  if (only) {
    return `<p>Signed in as <strong>${label(only)}</strong></p>
<input type="hidden" name="login" value="${escapeHtml(only.login)}">`;
  }
  if (v.users.length > MAX_LISTED_USERS) {
    return '<label for="login">Sign in as (login)</label><input type="text" id="login" name="login" required>';
  }
  const options = v.users
    .map((u) => `<option value="${escapeHtml(u.login)}">${label(u)}</option>`)
    .join('\n');
  return `<label for="login">Sign in as</label>\n<select id="login" name="login" required>\n${options}\n</select>`;
}

export function githubConsentPage(v: GithubConsentView): string {
  const app = escapeHtml(v.appName);
  return layout(
    `Authorize ${v.appName}`,
    `<h1>Authorize ${app}</h1>
<form method="post" action="/login/oauth/authorize">
<input type="hidden" name="request_id" value="${escapeHtml(v.requestId)}">
${accountField(v)}
<p>${app} would like permission to:</p>
<ul>
<li>Verify your GitHub identity</li>
<li>Know which resources you can access</li>
<li>Act on your behalf</li>
</ul>
<p class="muted">Authorizing will redirect to <code>${escapeHtml(v.redirectUri)}</code></p>
<div class="actions">
<button name="decision" value="approve">Authorize ${app}</button>
<button name="decision" value="deny">Cancel</button>
</div>
</form>`,
    FOOTER,
  );
}
