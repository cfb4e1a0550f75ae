// What a token exchange costs next to a plain token read, in one run on one vault: the same service
// key, the same account; the exchange verifies a user's RS256 JWT against a trusted issuer whose
// JWKS (served by this process on loopback) is cached after the first call, maps its subject to the
// user, and reads that user's token. Saturated throughput (autocannon) and latency at an evenly
// spaced fixed rate (open loop).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createVaultClient } from '../clients/typescript/src/index.ts';
import { connectOne } from './client.ts';
import type { BenchDb } from './lib/db.ts';
import { openLoop, type OpenLoopResult } from './lib/open-loop.ts';
import { freePort, waitQuiet } from './lib/proc.ts';
import { startVault, vaultSetup } from './lib/vault.ts';

export interface ExchangeRun {
  target: 'token read' | 'exchange';
  reqPerSec: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

export interface ExchangeBenchResult {
  saturated: ExchangeRun[];
  fixedRate: { rps: number; runs: (OpenLoopResult & { target: ExchangeRun['target'] })[] };
  /** how often the vault fetched the issuer's JWKS over the part: once per JWKS_CACHE_SECONDS (300) */
  jwksFetches: number;
}

export async function exchangeBench(o: {
  db: BenchDb;
  emulatorUrl: string;
  connections: number;
  durationS: number;
  warmupS: number;
  rateRps: number;
  log: (s: string) => void;
}): Promise<ExchangeBenchResult> {
  // The user issuer: an RS256 key pair, its public half served as a JWKS.
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'RS256', use: 'sig' };
  let jwksFetches = 0;
  const jwks = createServer((_req, res) => {
    jwksFetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const issuerUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;

  const setup = vaultSetup(o.db, o.emulatorUrl);
  const port = await freePort();
  const vault = await startVault('api', setup, {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    // the issuer's JWKS is on loopback
    ALLOW_PRIVATE_EGRESS: 'true',
    // both runs use one key for minutes at thousands of req/s: the per-key limit is not measured
    RATE_LIMIT_PER_KEY: '1000000000',
  });
  try {
    const acct = await connectOne(vault.url, setup.adminKey, o.emulatorUrl);
    const admin = createVaultClient({ url: vault.url, apiKey: setup.adminKey });
    await admin.trustedIssuers.create({
      name: 'bench users',
      kind: 'user',
      issuer: issuerUrl,
      jwks_uri: `${issuerUrl}/jwks`,
      audience: ['vault'],
      algorithms: ['RS256'],
    });
    const svc = await admin.apiKeys.create({ name: 'bench', role: 'service' });
    const now = Math.floor(Date.now() / 1000);
    const subject = await new SignJWT({ iss: issuerUrl, sub: acct.userId, aud: 'vault' })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench' })
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(privateKey);
    const auth = { authorization: `Bearer ${svc.key}`, accept: 'application/json' };
    const targets = [
      [
        'token read',
        {
          method: 'POST' as const,
          path: `/v1/connected-accounts/${acct.accountId}/token`,
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{}',
        },
      ],
      [
        'exchange',
        {
          method: 'POST' as const,
          path: '/v1/oauth/token',
          headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
            subject_token: subject,
            subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
            audience: acct.configId,
          }).toString(),
        },
      ],
    ] as const;
    for (const [, req] of targets) {
      const res = await fetch(`${vault.url}${req.path}`, req);
      if (res.status !== 200)
        throw new Error(`${req.path} answered ${res.status}: ${await res.text()}`);
    }
    const saturated: ExchangeRun[] = [];
    const fixed: ExchangeBenchResult['fixedRate']['runs'] = [];
    for (const [target, req] of targets) {
      o.log(`  ${target}: ${o.durationS} s saturated, ${o.connections} connections`);
      await waitQuiet([vault.pid]);
      const base = { url: vault.url, connections: o.connections, requests: [req] };
      await autocannon({ ...base, duration: o.warmupS });
      const r = await autocannon({ ...base, duration: o.durationS });
      saturated.push({
        target,
        reqPerSec: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors,
      });
      o.log(`  ${target}: ${o.durationS} s at ${o.rateRps} req/s, evenly spaced`);
      await waitQuiet([vault.pid]);
      const fr = await openLoop({
        url: vault.url,
        requests: [req],
        rate: o.rateRps,
        durationS: o.durationS,
        connections: o.connections,
      });
      fixed.push({ target, ...fr });
    }
    return { saturated, fixedRate: { rps: o.rateRps, runs: fixed }, jwksFetches };
  } finally {
    await vault.stop();
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
  }
}
