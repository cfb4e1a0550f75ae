import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startEmulator } from '../../src/emulator/index.ts';
import type {
  Emulator,
  EmulatorOptions,
  GithubAppInput,
  GithubUser,
} from '../../src/emulator/index.ts';

export const GH_CLIENT_ID = 'Iv1.0123456789abcdef';
export const GH_SECRET = 'gh-test-secret';
export const GH_CALLBACK = 'http://localhost:3000/v1/oauth/callback/ac_gh';

export interface GithubSetup {
  emu: Emulator;
  user: GithubUser;
}

/** An emulator with one GitHub app and one user (octo-ada, id 42) owning a public and a private repo. */
export async function setupGithub(
  opts: EmulatorOptions = {},
  app: Partial<GithubAppInput> = {},
): Promise<GithubSetup> {
  const emu = await startEmulator(opts);
  emu.addGithubApp({
    clientId: GH_CLIENT_ID,
    clientSecret: GH_SECRET,
    name: 'Test <App> & Co',
    callbackUrls: [GH_CALLBACK],
    ...app,
  });
  const user = emu.addGithubUser({
    id: 42,
    login: 'octo-ada',
    name: 'Ada Octo',
    email: 'ada@example.com',
    repos: [
      { name: 'engine', description: 'public repo' },
      { name: 'secrets', private: true },
    ],
  });
  return { emu, user };
}

export function ghAuthorizeUrl(
  emu: Emulator,
  params: Record<string, string | undefined> = {},
): string {
  const q = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    client_id: GH_CLIENT_ID,
    redirect_uri: GH_CALLBACK,
    state: 'st-gh',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) q.set(k, v);
  return `${emu.url}/login/oauth/authorize?${q}`;
}

/** The consent form's fields the way a browser would submit them (hidden inputs, first option). */
export function ghFormFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!.replace(/&amp;/g, '&');
  }
  for (const m of html.matchAll(/<select[^>]* name="([^"]+)"[^>]*>\s*<option value="([^"]*)"/g)) {
    fields[m[1]!] = m[2]!;
  }
  return fields;
}

/** GET the consent page, then POST its form with the decision; returns the POST's response. */
export async function ghClickThrough(
  emu: Emulator,
  decision: 'approve' | 'deny' = 'approve',
  params: Record<string, string | undefined> = {},
  override: Record<string, string> = {},
): Promise<Response> {
  const page = await fetch(ghAuthorizeUrl(emu, params));
  assert.equal(page.status, 200, await page.clone().text());
  const fields = { ...ghFormFields(await page.text()), decision, ...override };
  return fetch(`${emu.url}/login/oauth/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** Approves through the HTML form; returns the code from the redirect. */
export async function ghCode(
  emu: Emulator,
  params: Record<string, string | undefined> = {},
): Promise<string> {
  const res = await ghClickThrough(emu, 'approve', params);
  assert.equal(res.status, 302);
  const code = new URL(res.headers.get('location')!).searchParams.get('code');
  assert.ok(code);
  return code;
}

export interface TokenAnswer {
  status: number;
  contentType: string;
  /** The answer's fields, whether it came as JSON or form-encoded. */
  body: Record<string, unknown>;
}

/** POST /login/oauth/access_token; JSON body and `Accept: application/json` unless told otherwise. */
export async function ghToken(
  emu: Emulator,
  params: Record<string, string>,
  o: { accept?: string | null; form?: boolean; headers?: Record<string, string> } = {},
): Promise<TokenAnswer> {
  const headers: Record<string, string> = {
    'content-type': o.form ? 'application/x-www-form-urlencoded' : 'application/json',
    ...o.headers,
  };
  const accept = o.accept === undefined ? 'application/json' : o.accept;
  if (accept !== null) headers.accept = accept;
  const res = await fetch(`${emu.url}/login/oauth/access_token`, {
    method: 'POST',
    headers,
    body: o.form ? new URLSearchParams(params).toString() : JSON.stringify(params),
  });
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const body = contentType.includes('json')
    ? (JSON.parse(text) as Record<string, unknown>)
    : Object.fromEntries(new URLSearchParams(text));
  return { status: res.status, contentType, body };
}

export function ghExchange(emu: Emulator, code: string, extra: Record<string, string> = {}) {
  return ghToken(emu, {
    client_id: GH_CLIENT_ID,
    client_secret: GH_SECRET,
    code,
    redirect_uri: GH_CALLBACK,
    ...extra,
  });
}

export function ghRefresh(emu: Emulator, refreshToken: string, extra: Record<string, string> = {}) {
  return ghToken(emu, {
    client_id: GH_CLIENT_ID,
    client_secret: GH_SECRET,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    ...extra,
  });
}

export interface GhTokens {
  access_token: string;
  refresh_token: string;
}

/** Consent + code exchange in one go. */
export async function ghLogin(
  emu: Emulator,
  params: Record<string, string | undefined> = {},
): Promise<GhTokens> {
  const res = await ghExchange(emu, await ghCode(emu, params));
  assert.equal(res.status, 200);
  assert.equal(res.body.error, undefined, JSON.stringify(res.body));
  return res.body as unknown as GhTokens;
}

/** The S256 challenge of a verifier. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** What a GitHub error answer of the token endpoint looks like. */
export function tokenError(error: string) {
  return (body: Record<string, unknown>) => {
    assert.equal(body.error, error, JSON.stringify(body));
    assert.equal(typeof body.error_description, 'string');
    assert.match(String(body.error_uri), /^https:\/\/docs\.github\.com\//);
    assert.equal(body.access_token, undefined);
  };
}
