// Identity providers for the token exchange's tests: panva's oidc-provider (a certified OpenID
// provider) issuing user ID tokens and JWT access tokens after a real login, and a workload issuer
// made of a jose key pair whose JWKS is served on loopback, as a Kubernetes API server serves its
// service-account keys.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SignJWT,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import Provider, { type ClientMetadata } from 'oidc-provider';

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** An OpenID provider on loopback that signs in anyone by name (devInteractions). */
export async function startOidcIdp(opts: { apiAudience: string }) {
  const server = createServer();
  const issuer = await listen(server);
  const client: ClientMetadata & { client_secret: string; redirect_uris: string[] } = {
    client_id: `agent-app-${randomBytes(3).toString('hex')}`,
    client_secret: `idp-${randomBytes(24).toString('hex')}`,
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const idp = new Provider(issuer, {
    clients: [client],
    pkce: { required: () => false },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: `${sub}@example.com`, email_verified: true }),
    }),
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => opts.apiAudience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: 'vault',
          audience: opts.apiAudience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
        }),
      },
    },
  });
  server.on('request', idp.callback());

  /** Signs `login` in (as a browser would), returns the ID token and the JWT access token. */
  async function signIn(login: string): Promise<{ idToken: string; accessToken: string }> {
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: 'code',
      scope: 'openid email vault',
      redirect_uri: client.redirect_uris[0]!,
      state: randomBytes(8).toString('hex'),
      nonce: randomBytes(8).toString('hex'),
      resource: opts.apiAudience,
    }).toString();
    const jar = new Map<string, string>();
    let url = auth.toString();
    let form: URLSearchParams | undefined;
    let code: string | undefined;
    for (let hop = 0; hop < 20 && !code; hop++) {
      const res = await fetch(url, {
        method: form ? 'POST' : 'GET',
        body: form,
        redirect: 'manual',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      form = undefined;
      for (const c of res.headers.getSetCookie()) {
        const [name, value = ''] = c.split(';')[0]!.split(/=(.*)/s);
        if (value) jar.set(name!, value);
        else jar.delete(name!);
      }
      const location = res.headers.get('location');
      const html = await res.text();
      if (location) {
        url = new URL(location, url).toString();
        if (url.startsWith(client.redirect_uris[0]!)) code = new URL(url).searchParams.get('code')!;
        continue;
      }
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      if (res.status !== 200 || !prompt) throw new Error(`IdP answered ${res.status}: ${html}`);
      form = new URLSearchParams({ prompt, login, password: 'any' });
    }
    if (!code) throw new Error('the IdP never redirected back with a code');
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: client.redirect_uris[0]!,
        resource: opts.apiAudience,
      }),
    });
    const body = (await res.json()) as { id_token?: string; access_token?: string };
    if (!body.id_token || !body.access_token)
      throw new Error(`token answer: ${JSON.stringify(body)}`);
    return { idToken: body.id_token, accessToken: body.access_token };
  }

  return {
    issuer,
    clientId: client.client_id,
    jwksUri: `${issuer}/jwks`,
    signIn,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type JwksMode = 'normal' | 'endless' | 'huge' | 'slow';

/**
 * An issuer of our own: signing keys made with jose, the public ones served at `jwksUri` (counted),
 * and a `mode` to make that endpoint misbehave. Rotating adds a key the server did not serve yet.
 */
export async function startKeyIssuer(opts: { alg?: 'ES256' | 'RS256'; iss?: string } = {}) {
  const alg = opts.alg ?? 'ES256';
  let mode: JwksMode = 'normal';
  let fetches = 0;
  const keys: {
    kid: string;
    privateKey: CryptoKey;
    publicJwk: JWK;
    served: boolean;
    spki: string;
  }[] = [];
  async function addKey(served: boolean) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = `k-${randomBytes(4).toString('hex')}`;
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    keys.push({ kid, privateKey, publicJwk, served, spki: await exportSPKI(publicKey) });
    return kid;
  }
  await addKey(true);
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (!req.url?.startsWith('/jwks')) return void res.writeHead(404).end();
    fetches++;
    if (mode === 'endless') {
      // A body that never ends, as fast as the socket takes it.
      open.add(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
      const chunk = Buffer.alloc(16 * 1024, ' ');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => open.delete(res));
      pump();
      return;
    }
    if (mode === 'huge') {
      const body = JSON.stringify({ keys: keys.map((k) => k.publicJwk), pad: 'x'.repeat(200_000) });
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }
    const body = JSON.stringify({ keys: keys.filter((k) => k.served).map((k) => k.publicJwk) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  const url = await listen(server);
  const iss = opts.iss ?? url;

  /** A token signed with key `kid` (default: the first), claims as given (iat/exp filled). */
  async function sign(
    claims: JWTPayload,
    o: { kid?: string; now?: Date; ttlSeconds?: number; header?: Record<string, unknown> } = {},
  ) {
    const k = o.kid ? keys.find((x) => x.kid === o.kid)! : keys[0]!;
    const iat = Math.floor((o.now ?? new Date()).getTime() / 1000);
    return new SignJWT({ iss, iat, exp: iat + (o.ttlSeconds ?? 300), ...claims })
      .setProtectedHeader({ alg, kid: k.kid, typ: 'JWT', ...o.header })
      .sign(k.privateKey);
  }

  return {
    iss,
    alg,
    jwksUri: `${url}/jwks`,
    keys,
    sign,
    /** a new key; `served` false: tokens name a kid the JWKS does not have (yet) */
    rotate: (served = false) => addKey(served),
    serve(kid: string) {
      keys.find((k) => k.kid === kid)!.served = true;
    },
    setMode(m: JwksMode) {
      mode = m;
    },
    fetches: () => fetches,
    openStreams: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of open) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type KeyIssuer = Awaited<ReturnType<typeof startKeyIssuer>>;

export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const TT = {
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  proxy: 'urn:credential-vault:params:oauth:token-type:proxy',
};

/** base64url of a JSON value: for hand-made (unsigned, tampered) tokens. */
export const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
