import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/**
 * A provider on loopback that misbehaves on request: each path answers as its behaviour says,
 * and every answer records how much of its body got out and whether its socket was closed under
 * it before it had finished. Paths under `/t/<anything>/` take the behaviour set for that prefix
 * (one per auth config), so one server serves every tenant of a test file.
 */
export type Behaviour =
  /** a client-credentials token answer (JSON, a few hundred bytes) */
  | 'token'
  /** Atlassian's accessible-resources / me, small and valid */
  | 'resources'
  | 'me'
  /** 200, then chunks as fast as the client reads, forever */
  | 'endless'
  /** a Content-Length of 50 MiB, then one byte every 100 ms */
  | 'declared'
  /** 200 and headers at once, then one byte every 200 ms for 20 s */
  | 'drip'
  /** held open, headers unsent, until release() */
  | 'hold';

export interface Answer {
  path: string;
  written: number;
  finished: boolean;
  closedEarly: boolean;
}

const CHUNK = Buffer.alloc(16 * 1024, ' ');
export const DRIP_BYTES = 100;

export async function startRoughProvider(t: TestContext | { after(fn: () => unknown): void }) {
  const behaviours = new Map<string, Behaviour>();
  const answers: Answer[] = [];
  const held: { prefix: string; res: ServerResponse; a: Answer }[] = [];
  const heldPeak = new Map<string, number>();

  const behaviourOf = (path: string): [string, Behaviour] => {
    const m = /^\/t\/([^/]+)\//.exec(path);
    const prefix = m ? m[1]! : path;
    return [prefix, behaviours.get(prefix) ?? 'token'];
  };

  const finish = (res: ServerResponse, a: Answer, body: string, type = 'application/json') => {
    res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
    a.written = Buffer.byteLength(body);
    a.finished = true;
  };

  const tokenBody = () =>
    JSON.stringify({
      access_token: `at-${randomBytes(8).toString('hex')}`,
      token_type: 'Bearer',
      expires_in: 3600,
    });

  function answer(res: ServerResponse, a: Answer, prefix: string, b: Behaviour) {
    switch (b) {
      case 'token':
        return finish(res, a, tokenBody());
      case 'resources':
        return finish(
          res,
          a,
          JSON.stringify([
            { id: `cloud-${prefix}`, name: 'site', url: 'https://site.atlassian.net', scopes: [] },
          ]),
        );
      case 'me':
        return finish(res, a, JSON.stringify({ account_id: `sa-${prefix}`, name: 'Service' }));
      case 'endless': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const pump = () => {
          while (!res.destroyed) {
            a.written += CHUNK.length;
            if (!res.write(CHUNK)) return void res.once('drain', pump);
          }
        };
        return pump();
      }
      case 'declared':
      case 'drip': {
        const declared = b === 'declared';
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(declared ? { 'content-length': String(50 * 1024 * 1024) } : {}),
        });
        res.flushHeaders();
        const timer = setInterval(
          () => {
            if (res.destroyed) return clearInterval(timer);
            res.write(' ');
            a.written++;
            if (!declared && a.written === DRIP_BYTES) {
              clearInterval(timer);
              a.finished = true;
              res.end();
            }
          },
          declared ? 100 : 200,
        );
        return;
      }
      case 'hold': {
        held.push({ prefix, res, a });
        const n = held.filter((h) => h.prefix === prefix && !h.res.destroyed).length;
        heldPeak.set(prefix, Math.max(heldPeak.get(prefix) ?? 0, n));
        return;
      }
    }
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const a: Answer = { path, written: 0, finished: false, closedEarly: false };
    answers.push(a);
    res.on('close', () => {
      if (!a.finished) a.closedEarly = true;
    });
    req.resume();
    req.on('end', () => {
      const [prefix, b] = behaviourOf(path);
      // Atlassian paths of the emulator's shape, for ATLASSIAN_*_URL pointed here.
      if (path === '/oauth/token/accessible-resources')
        return answer(res, a, prefix, behaviours.get('resources') ?? 'resources');
      if (path === '/me') return answer(res, a, prefix, behaviours.get('me') ?? 'me');
      answer(res, a, prefix, b);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const release = () => {
    for (const h of held.splice(0)) {
      if (!h.res.destroyed) answer(h.res, h.a, h.prefix, 'token');
    }
  };
  t.after(async () => {
    release();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  return {
    url,
    host: new URL(url).host,
    /** a token URL of its own, answering as `b` until set otherwise */
    tokenUrl(b: Behaviour = 'token') {
      const prefix = randomBytes(4).toString('hex');
      behaviours.set(prefix, b);
      return {
        url: `${url}/t/${prefix}/token`,
        set: (next: Behaviour) => void behaviours.set(prefix, next),
        answers: () => answers.filter((x) => x.path.startsWith(`/t/${prefix}/`)),
        /** requests held right now, and the most held at once */
        held: () => held.filter((h) => h.prefix === prefix && !h.res.destroyed).length,
        heldPeak: () => heldPeak.get(prefix) ?? 0,
      };
    },
    /** how the Atlassian discovery paths answer (`resources` / `me` keys) */
    setAtlassian(which: 'resources' | 'me', b: Behaviour) {
      behaviours.set(which, b);
    },
    answers,
    /** answers every held request with a token */
    release,
  };
}

/** Polls until `ok()` (or fails after `ms`): for what another task does meanwhile. */
export async function eventually(ok: () => boolean | Promise<boolean>, ms = 10_000) {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error('the condition did not come true in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
