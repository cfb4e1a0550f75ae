import assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/index.ts';
import type { AppInput, EmuUser, Emulator, EmulatorOptions } from '../../src/emulator/index.ts';

export const CLIENT_ID = 'test-client';
export const CLIENT_SECRET = 'test-secret';
export const CALLBACK = 'http://localhost:3000/v1/oauth/callback';
export const SCOPES = ['read:jira-work', 'read:jira-user', 'read:confluence-content.all'];

export interface Setup {
  emu: Emulator;
  user: EmuUser;
}

/** An emulator with one app and one user owning one jira+confluence site. */
export async function setup(
  opts: EmulatorOptions = {},
  app: Partial<AppInput> = {},
): Promise<Setup> {
  const emu = await startEmulator(opts);
  emu.addApp({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    name: 'Test <App> & Co',
    callbackUrl: CALLBACK,
    scopes: SCOPES,
    ...app,
  });
  const user = emu.addUser({
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    sites: [{ name: 'ada-team', url: 'https://ada-team.atlassian.net' }],
  });
  return { emu, user };
}

export function authorizeUrl(
  emu: Emulator,
  params: Record<string, string | undefined> = {},
): string {
  const q = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    audience: 'api.atlassian.com',
    client_id: CLIENT_ID,
    scope: 'read:jira-work read:jira-user read:confluence-content.all offline_access read:me',
    redirect_uri: CALLBACK,
    state: 'st-123',
    response_type: 'code',
    prompt: 'consent',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) q.set(k, v);
  return `${emu.url}/authorize?${q.toString().replace(/\+/g, '%20')}`;
}

/** Reads the hidden/selected form fields of the consent page the way a browser would submit them. */
export function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!.replace(/&amp;/g, '&');
  }
  for (const m of html.matchAll(
    /<select[^>]* name="([^"]+)"[^>]*>[\s\S]*?<option value="([^"]*)"/g,
  )) {
    fields[m[1]!] = m[2]!;
  }
  return fields;
}

/** GET /authorize, then POST the form with the given decision; returns the redirect response. */
export async function clickThrough(
  emu: Emulator,
  decision: 'approve' | 'deny' = 'approve',
  params: Record<string, string | undefined> = {},
  override: Record<string, string> = {},
): Promise<Response> {
  const page = await fetch(authorizeUrl(emu, params));
  assert.equal(page.status, 200, await page.clone().text());
  const fields = { ...formFields(await page.text()), decision, ...override };
  return fetch(`${emu.url}/authorize/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

/** Approves through the HTML form and returns the auth code. */
export async function getCode(
  emu: Emulator,
  params: Record<string, string | undefined> = {},
): Promise<string> {
  const res = await clickThrough(emu, 'approve', params);
  assert.equal(res.status, 302);
  const loc = new URL(res.headers.get('location')!);
  assert.equal(`${loc.origin}${loc.pathname}`, CALLBACK);
  assert.equal(loc.searchParams.get('state'), params.state ?? 'st-123');
  const code = loc.searchParams.get('code');
  assert.ok(code);
  return code;
}

export async function postToken(
  emu: Emulator,
  body: Record<string, string>,
  form = false,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${emu.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json',
      ...headers,
    },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    headers: res.headers,
  };
}

export function exchange(emu: Emulator, code: string, extra: Record<string, string> = {}) {
  return postToken(emu, {
    grant_type: 'authorization_code',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    code,
    redirect_uri: CALLBACK,
    ...extra,
  });
}

export function refresh(emu: Emulator, refreshToken: string, extra: Record<string, string> = {}) {
  return postToken(emu, {
    grant_type: 'refresh_token',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    refresh_token: refreshToken,
    ...extra,
  });
}

/** Code -> tokens in one go; returns the token response body. */
export async function login(
  emu: Emulator,
  params: Record<string, string | undefined> = {},
): Promise<{ access_token: string; refresh_token: string }> {
  const res = await exchange(emu, await getCode(emu, params));
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json as { access_token: string; refresh_token: string };
}

export async function api(emu: Emulator, path: string, token: string) {
  const res = await fetch(`${emu.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: (await res.json()) as unknown, headers: res.headers };
}

export function basicAuth(email: string, token: string): string {
  return `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
}

export interface CallOptions {
  /** A Bearer token, or a full Authorization header value (e.g. from basicAuth). */
  auth?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is. */
  body?: BodyInit;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Any request to the emulator; `auth` without a scheme is a Bearer token. */
export async function call(
  emu: Emulator,
  method: string,
  path: string,
  o: CallOptions = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.auth)
    headers.authorization = /^(basic|bearer) /i.test(o.auth) ? o.auth : `Bearer ${o.auth}`;
  if (o.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    body: o.json !== undefined ? JSON.stringify(o.json) : o.body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
