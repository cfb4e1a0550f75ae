import type { Emulator, EmuUser } from '../../src/emulator/index.ts';

/** What another system (the source of an import) holds for one user: the tokens of one consent. */
export interface SourceGrant {
  refreshToken: string;
  accessToken: string;
  expiresIn: number;
}

/**
 * Grants obtained the way the system an import comes from obtained them: the user's consent at
 * the emulator and the app's own code exchange, without the vault. Each call is one refresh-token
 * family of `user` under the app.
 */
export async function sourceGrant(
  emu: Emulator,
  app: { clientId: string; clientSecret: string; callbackUrl: string; scopes: string[] },
  user: EmuUser,
): Promise<SourceGrant> {
  const q = new URLSearchParams({
    audience: 'api.atlassian.com',
    client_id: app.clientId,
    scope: [...app.scopes, 'offline_access', 'read:me'].join(' '),
    redirect_uri: app.callbackUrl,
    state: 'source-system',
    response_type: 'code',
    prompt: 'consent',
  });
  const decided = await emu.consent({
    authorizeUrl: `${emu.url}/authorize?${q}`,
    decision: 'approve',
    accountId: user.accountId,
  });
  if (!decided.location) throw new Error(`consent failed: ${decided.status}`);
  const code = new URL(decided.location).searchParams.get('code');
  const res = await fetch(`${emu.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'authorization_code',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code,
      redirect_uri: app.callbackUrl,
    }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200 || typeof body.refresh_token !== 'string')
    throw new Error(`code exchange failed: ${res.status}`);
  return {
    refreshToken: body.refresh_token,
    accessToken: String(body.access_token),
    expiresIn: Number(body.expires_in),
  };
}
