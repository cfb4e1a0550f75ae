// The floor: what the token path cannot avoid — one primary-key read through pg and one AES-256-GCM
// decryption with the tenant's data key (unwrapped once at start, as the vault caches it). A process
// of its own, loaded exactly like the vault.
import Fastify from 'fastify';
import pg from 'pg';
import { parseMasterKeys } from '../src/crypto/master-keys.ts';
import { dataKeyAad, fieldAad, open, parseSealed } from '../src/crypto/envelope.ts';
import { createKeyring } from '../src/crypto/keyring.ts';

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX ?? 16),
});
const keyring = createKeyring(parseMasterKeys(process.env.VAULT_MASTER_KEYS));
const keys = new Map<string, Buffer>();
const { rows } = await pool.query<{ id: string; tenant_id: string; wrapped_key: string }>(
  'select id, tenant_id, wrapped_key from data_keys',
);
for (const r of rows) keys.set(r.id, keyring.unwrap(r.wrapped_key, dataKeyAad(r.tenant_id, r.id)));

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));

app.post<{ Params: { id: string } }>('/floor/:id', async (req, reply) => {
  const { rows: found } = await pool.query<{
    tenant_id: string;
    access_token_enc: string;
    token_type: string | null;
    expires_at: Date | null;
  }>(
    'select tenant_id, access_token_enc, token_type, expires_at from connected_accounts where id = $1',
    [req.params.id],
  );
  const row = found[0];
  if (!row) return reply.code(404).send({ code: 'not_found' });
  const sealed = parseSealed(row.access_token_enc);
  const key = keys.get(sealed.keyId);
  if (!key) return reply.code(500).send({ code: 'no_key' });
  const aad = fieldAad(row.tenant_id, 'connected_accounts', req.params.id, 'access_token');
  reply.header('cache-control', 'no-store');
  return {
    access_token: open(key, sealed, aad),
    token_type: row.token_type ?? 'Bearer',
    expires_at: row.expires_at?.toISOString() ?? null,
    connected_account_id: req.params.id,
  };
});

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });

const shutdown = () => void Promise.all([app.close(), pool.end()]).then(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
