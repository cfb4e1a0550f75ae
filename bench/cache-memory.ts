// `node --expose-gc --import tsx bench/cache-memory.ts [entries]`: heap taken by the token path's
// cache holding N accounts (Atlassian-shaped rows, tokens sealed), measured around a full GC.
import { randomBytes } from 'node:crypto';
import { InvalidatingCache } from '../src/lib/invalidating-cache.ts';

const n = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
// A flat string, as the database driver hands one over (a template literal would be a rope); the
// size of an Atlassian access token (a JWT of ~1 KB), sealed.
const flat = (x: string) => Buffer.from(x, 'latin1').toString('latin1');
const sealed = () =>
  flat(
    `v1.dk_06h33e8ztqx1s2m9v0s4r5k7ya.${randomBytes(12).toString('base64url')}.${randomBytes(1000).toString('base64url')}.${randomBytes(16).toString('base64url')}`,
  );
const cache = new InvalidatingCache<object>({ max: n, maxAgeMs: 60_000, isLive: () => true });
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < n; i++) {
  const id = `ca_${i.toString(36).padStart(26, '0')}`;
  const cfg = `ac_${(i % 10).toString(36).padStart(26, '0')}`;
  await cache.fill(`id:tn_x:${id}`, [`ca:${id}`, `ac:${cfg}`, 'tn:tn_x'], async () => ({
    account: {
      id,
      tenantId: 'tn_06h33e8ztqx1s2m9v0s4r5k7ya',
      authConfigId: cfg,
      userId: `user-${i}`,
      status: 'ACTIVE',
      statusReason: null,
      accessTokenEnc: sealed(),
      tokenType: 'Bearer',
      expiresAt: new Date(),
      tokenLifetimeSeconds: 3600,
      lastRefreshedAt: new Date(),
      connectedAt: new Date(),
      generation: 3,
      grantedScopes: ['read:jira-work', 'read:jira-user', 'offline_access', 'read:me'],
      sites: [
        {
          cloud_id: randomBytes(16).toString('hex'),
          name: 'site',
          url: 'https://site.atlassian.net',
          scopes: ['read:jira-work'],
        },
      ],
      selectedCloudId: 'x',
      refreshFailures: 0,
      nextRefreshAt: new Date(),
    },
    configStatus: 'enabled',
    provider: 'atlassian',
  }));
}
gc();
const mb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
process.stdout.write(
  `${JSON.stringify({ entries: cache.size, mb, mbPer100k: (mb * 100_000) / n })}\n`,
);
