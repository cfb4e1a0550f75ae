import { openDatabase, type Database } from '../../src/db/client.ts';
import { openTestDatabase } from './database.ts';
import { startTcpProxy } from './tcp-proxy.ts';

/**
 * A test database that can be taken away mid-test, on either engine: PostgreSQL behind a TCP proxy
 * that is cut (the server other tests share keeps running), or an embedded PGlite that is closed
 * under the vault (what a request meets during shutdown).
 */
export async function openOutageDatabase(): Promise<{
  database: Database;
  cut(): Promise<void>;
  drop(): Promise<void>;
}> {
  const own = await openTestDatabase();
  if (!own.url) {
    let closed = false;
    const close = async () => {
      if (!closed) await own.database.close();
      closed = true;
    };
    return { database: own.database, cut: close, drop: close };
  }
  await own.database.close();
  const url = new URL(own.url);
  const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  const database = await openDatabase({ url: url.toString(), poolMax: 4 });
  return {
    database,
    cut: () => proxy.down(),
    async drop() {
      proxy.close();
      await database.close().catch(() => {});
      await own.drop();
    },
  };
}
