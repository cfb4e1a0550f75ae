import { createServer, type Server } from 'node:http';
import type { TestContext } from 'node:test';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/**
 * A webhook receiver of one test's own: it verifies every signature against the secret it is given
 * (counting the ones that fail), and can play "down" (503). Closed when the test ends.
 */
export async function startWebhookReceiver(t: TestContext) {
  const received: ReceivedWebhook[] = [];
  let secret = '';
  let down = false;
  let rejected = 0;
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests++;
      if (down) return res.writeHead(503).end();
      try {
        new Webhook(secret).verify(body, req.headers as Record<string, string>);
      } catch {
        rejected++;
        return res.writeHead(401).end();
      }
      const msg = JSON.parse(body) as { type: string; data: Record<string, unknown> };
      received.push({ id: String(req.headers['webhook-id']), type: msg.type, data: msg.data });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`,
    received,
    setSecret: (s: string) => (secret = s),
    setDown: (d: boolean) => (down = d),
    /** deliveries whose signature did not verify */
    rejected: () => rejected,
    /** every request that reached the receiver, accepted or not */
    requests: () => requests,
  };
}
