import { createServer, connect, type Server, type Socket } from 'node:net';

interface Pair {
  client: Socket;
  upstream: Socket;
  silent: boolean;
}

/**
 * A loopback TCP proxy a test can cut and restore: "the database went away" for one vault process
 * without touching the PostgreSQL server that other tests share. It can also go silent: nothing is
 * forwarded either way and no socket is closed, as when a NAT or a firewall forgets a connection.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  const pairs = new Set<Pair>();
  let server: Server | undefined;
  let port = 0;
  /** new connections are accepted but get nothing through */
  let silentNew = false;

  // Unread bytes stay in the kernel's buffers; TCP's flow control holds the sender, nothing is lost.
  const hush = (p: Pair) => {
    if (p.silent) return;
    p.silent = true;
    p.client.unpipe(p.upstream);
    p.upstream.unpipe(p.client);
    p.client.pause();
    p.upstream.pause();
  };
  const flow = (p: Pair) => {
    p.silent = false;
    p.client.pipe(p.upstream);
    p.upstream.pipe(p.client);
  };

  async function listen() {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      const pair: Pair = { client, upstream, silent: false };
      pairs.add(pair);
      for (const [s, other] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        sockets.add(s);
        // One side gone (a process killed, a reset) ends the other, as it would without a proxy
        // in between: a server session must not outlive its client here. Not while silent: a
        // path that forgot the connection passes no FIN or reset either.
        s.on('close', () => {
          sockets.delete(s);
          pairs.delete(pair);
          if (!pair.silent) other.destroy();
        });
        s.on('error', () => s.destroy());
      }
      if (silentNew) {
        pair.silent = true;
        client.pause();
        upstream.pause();
      } else flow(pair);
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  }

  await listen();
  return {
    get port() {
      return port;
    },
    /** refuse new connections and cut the open ones */
    async down() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
    up: listen,
    /**
     * Stop forwarding in both directions without closing anything. `'all'` (the path is dead):
     * new connections are accepted and hang too, until `resume()`. `'open'` (a NAT forgot its
     * flows): only the connections open now go silent; new ones work.
     */
    silence(scope: 'all' | 'open' = 'all') {
      for (const p of pairs) hush(p);
      silentNew = scope === 'all';
    },
    /** forward again everything silenced, what was held back first */
    resume() {
      silentNew = false;
      for (const p of pairs) if (p.silent) flow(p);
    },
    close() {
      for (const s of sockets) s.destroy();
      server?.close();
    },
  };
}
