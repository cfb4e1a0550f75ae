// The Atlassian emulator in a process of its own, so that its CPU can be read from /proc.
// Adds two bench-only routes to the emulator's server (nothing in src/ changes):
//   GET  /_bench/ready
//   POST /_bench/families {client_id, client_secret, count} → registers the app, one user with one
//        site and `count` refresh-token families (the state a code exchange leaves), returns the
//        current refresh token of each family.
import { createEmulator } from '../src/emulator/index.ts';

const { core, server } = await createEmulator({ logger: false });

server.get('/_bench/ready', async () => ({ ok: true }));

server.post('/_bench/families', async (req) => {
  const b = req.body as { client_id: string; client_secret: string; count: number };
  const scopes = ['read:jira-work', 'read:jira-user', 'offline_access', 'read:me'];
  if (!core.dir.apps.has(b.client_id)) {
    core.dir.addApp({
      clientId: b.client_id,
      clientSecret: b.client_secret,
      name: `bench ${b.client_id}`,
      callbackUrl: 'http://127.0.0.1/v1/oauth/callback',
      scopes,
    });
  }
  const user = core.dir.addUser({
    email: `${b.client_id}@example.com`,
    name: `Bench ${b.client_id}`,
    sites: [{ name: b.client_id, url: `https://${b.client_id}.atlassian.net` }],
  });
  const site = user.sites[0]!;
  const grant = core.dir.upsertGrant(user.accountId, b.client_id, [site.id], scopes);
  const now = core.clock.now();
  const tokens: string[] = [];
  for (let i = 0; i < b.count; i++) {
    const family = core.tokens.createFamily(grant, b.client_id, scopes, now);
    tokens.push(core.tokens.issueRefresh(family));
  }
  return { refresh_tokens: tokens, site: { cloud_id: site.id, name: site.name, url: site.url } };
});

await server.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });

const shutdown = () => void server.close().then(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
