// The HTTP ceiling: what the token route's HTTP exchange alone costs through fastify — the same
// method, path shape, headers and JSON body, answered with a constant ~1 KB token-shaped body through
// a response schema (fast-json-stringify, as the vault's routes), with no authentication, no cache,
// no crypto and no I/O. A process of its own, loaded like the floor; nothing the vault does per
// request can cost less than this.
import Fastify from 'fastify';

const answer = {
  access_token: 'x'.repeat(900),
  token_type: 'Bearer',
  expires_at: '2030-01-01T00:00:00.000Z',
  expires_in: 3600,
  scopes: ['read:jira-work', 'offline_access'],
  connected_account_id: 'ca_0000000000000000000000',
  refreshed: false,
  cloud_id: 'cloud-0',
  site_url: 'https://site-0.atlassian.net',
  api_base_url: 'https://api.atlassian.com/ex/jira/cloud-0',
};

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post(
  '/v1/connected-accounts/:id/token',
  {
    schema: {
      response: {
        200: {
          type: 'object',
          properties: {
            access_token: str,
            token_type: str,
            expires_at: nullableStr,
            expires_in: { type: ['integer', 'null'] },
            scopes: { type: 'array', items: str },
            connected_account_id: str,
            refreshed: { type: 'boolean' },
            cloud_id: nullableStr,
            site_url: nullableStr,
            api_base_url: nullableStr,
          },
        },
      },
    },
  },
  (_req, reply) => {
    reply.header('cache-control', 'no-store');
    reply.send(answer);
  },
);

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });

const shutdown = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
