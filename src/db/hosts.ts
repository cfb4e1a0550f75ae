import pg from 'pg';

/**
 * Multi-host connection strings, as libpq takes them and as pg_auto_failover and Patroni hand them
 * out: `postgres://user@h1:5432,h2:5432/db?target_session_attrs=read-write`. node-postgres reads
 * one host only, so the vault picks the host itself: in order, the first that accepts a connection
 * and, with `read-write` (or `primary`), is not a standby nor read-only. That is how a vault
 * process finds the new primary after a failover without being restarted or reconfigured.
 */

export type SessionAttrs = 'any' | 'read-write' | 'primary';
const ATTRS: readonly string[] = ['any', 'read-write', 'primary'];

export interface Host {
  host: string;
  port: number;
}

export interface DatabaseUrl {
  hosts: Host[];
  targetSessionAttrs: SessionAttrs;
  /** the connection string for one of the hosts, without the parameters node-postgres ignores */
  urlFor(h: Host): string;
  /** whether this string needs host selection (several hosts, or a session attribute to check) */
  selecting: boolean;
}

export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

const URL_PARTS = /^(postgres(?:ql)?:\/\/)(?:([^@/?#]*)@)?([^/?#]*)(.*)$/i;

function parseHost(s: string, url: string): Host {
  const m = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(s);
  if (!m || !m[1]) throw new DatabaseUrlError(`a host in the connection string is empty: ${url}`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port: m[2] ? Number(m[2]) : 5432 };
}

/** Parses a postgres:// URL with one or more comma-separated hosts (the password never appears in errors). */
export function parseDatabaseUrl(url: string): DatabaseUrl {
  const shown = url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  const m = URL_PARTS.exec(url);
  if (!m) throw new DatabaseUrlError(`not a postgres:// connection string: ${shown}`);
  const [, scheme, userinfo, hostList = '', rest = ''] = m;
  const hosts = hostList.split(',').map((h) => parseHost(h, shown));
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : rest.slice(q + 1));
  const attrs = params.get('target_session_attrs') ?? 'any';
  if (!ATTRS.includes(attrs)) {
    throw new DatabaseUrlError(
      `target_session_attrs=${attrs} is not supported: the vault writes, so use read-write (or primary, or any)`,
    );
  }
  params.delete('target_session_attrs');
  const query = params.toString();
  const hostPart = (h: Host) => `${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`;
  return {
    hosts,
    targetSessionAttrs: attrs as SessionAttrs,
    selecting: hosts.length > 1 || attrs !== 'any',
    urlFor: (h) =>
      `${scheme}${userinfo !== undefined ? `${userinfo}@` : ''}${hostPart(h)}${path}${query ? `?${query}` : ''}`,
  };
}

/** Whether `url` names several hosts or a session attribute (so the vault must choose the host). */
export function needsSelection(url: string): boolean {
  const m = URL_PARTS.exec(url);
  return Boolean(m && (m[3]!.includes(',') || /[?&]target_session_attrs=/.test(m[4] ?? '')));
}

/** No host of the list would take writes (all down, or all standbys mid-failover): retry shortly. */
export class NoPrimaryError extends Error {
  override name = 'NoPrimaryError';
  // sqlclient_unable_to_establish_sqlconnection, what libpq reports in this case
  readonly code = '08001';
}

/** What a server announced at start-up (PostgreSQL 14+ reports both) or answers when asked. */
async function acceptsWrites(
  c: pg.Client,
  reported: Map<string, string>,
  attrs: SessionAttrs,
): Promise<boolean> {
  if (attrs === 'any') return true;
  let standby = reported.get('in_hot_standby');
  let readOnly = reported.get('default_transaction_read_only');
  if (standby === undefined || readOnly === undefined) {
    const r = await c.query<{ standby: boolean; ro: string }>(
      `select pg_is_in_recovery() as standby, current_setting('transaction_read_only') as ro`,
    );
    standby = r.rows[0]!.standby ? 'on' : 'off';
    readOnly = r.rows[0]!.ro;
  }
  // During a promotion pg_auto_failover keeps the new primary read-only until the old one is
  // known to be demoted: `read-write` waits for that, as libpq does.
  return standby === 'off' && (attrs === 'primary' || readOnly === 'off');
}

/** Records the ParameterStatus messages of a client's connection (start-up and later changes). */
function watchParameters(c: pg.Client): Map<string, string> {
  const reported = new Map<string, string>();
  const con = (c as unknown as { connection: NodeJS.EventEmitter }).connection;
  con.on('parameterStatus', (m: { parameterName: string; parameterValue: string }) =>
    reported.set(m.parameterName, m.parameterValue),
  );
  return reported;
}

/** After a probe found no host taking writes, further connections fail at once for this long. */
const NONE_FOUND_FOR_MS = 250;

/**
 * Which host is the one to use, shared by every connection of a process to the same string: the
 * last host that proved itself, until a connection to it fails; then the hosts are probed in order
 * (one probe at a time, whoever asks meanwhile waits for its answer).
 */
export function createHostLocator(url: DatabaseUrl, opts: { connectTimeoutMs: number }) {
  let current: Host | undefined;
  let probing: Promise<Host> | undefined;
  let noneUntil = 0;

  async function probe(): Promise<Host> {
    const failures: string[] = [];
    for (const h of url.hosts) {
      const c = new pg.Client({
        connectionString: url.urlFor(h),
        connectionTimeoutMillis: opts.connectTimeoutMs,
      });
      const reported = watchParameters(c);
      c.on('error', () => {});
      try {
        await c.connect();
        if (await acceptsWrites(c, reported, url.targetSessionAttrs)) return h;
        failures.push(`${h.host}:${h.port} takes no writes`);
      } catch (err) {
        failures.push(`${h.host}:${h.port} ${(err as Error).message}`);
      } finally {
        await c.end().catch(() => {});
      }
    }
    throw new NoPrimaryError(
      `no server of the connection string takes writes now (${failures.join('; ')})`,
    );
  }

  return {
    url,
    /** The host to connect to now. */
    async pick(): Promise<Host> {
      if (current) return current;
      if (Date.now() < noneUntil) {
        throw new NoPrimaryError('no server of the connection string takes writes now');
      }
      probing ??= probe()
        .then(
          (h) => (current = h),
          (err: unknown) => {
            noneUntil = Date.now() + NONE_FOUND_FOR_MS;
            throw err;
          },
        )
        .finally(() => (probing = undefined));
      return probing;
    },
    /** A connection to `h` failed, or `h` turned out not to take writes: look again next time. */
    failed(h: Host) {
      if (current === h) current = undefined;
    },
    /** Whatever the current host is, look again next time (a write was refused as read-only). */
    forget() {
      current = undefined;
    },
  };
}

export type HostLocator = ReturnType<typeof createHostLocator>;

type ClientConfig = Omit<pg.ClientConfig, 'connectionString' | 'host' | 'port'>;

/**
 * A pg.Client class for `pg.Pool({ Client })` and for the change feed: each connection goes to the
 * locator's host and checks, before it is used, that the server takes writes.
 */
export function hostSelectingClient(locator: HostLocator) {
  const first = locator.url.hosts[0]!;
  return class HostSelectingClient extends pg.Client {
    private readonly reported: Map<string, string>;
    private target: Host | undefined;

    constructor(config: ClientConfig = {}) {
      const { connectionString: _ignored, ...rest } = config as pg.ClientConfig;
      super({ ...rest, connectionString: locator.url.urlFor(first) });
      this.reported = watchParameters(this);
      // A connection that breaks sends the next one looking for the primary again.
      this.on('error', () => this.target && locator.failed(this.target));
    }

    override connect(): Promise<pg.Client>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<pg.Client> | void {
      const done = this.connectToPrimary().then(() => this as pg.Client);
      if (!callback) return done;
      done.then(() => callback(undefined as unknown as Error), callback);
    }

    private async connectToPrimary(): Promise<void> {
      const target = await locator.pick();
      this.target = target;
      const self = this as unknown as {
        host: string;
        port: number;
        connectionParameters: { host: string; port: number };
      };
      self.host = self.connectionParameters.host = target.host;
      self.port = self.connectionParameters.port = target.port;
      try {
        await super.connect();
      } catch (err) {
        locator.failed(target);
        throw err;
      }
      if (!(await acceptsWrites(this, this.reported, locator.url.targetSessionAttrs))) {
        locator.failed(target);
        await this.end().catch(() => {});
        throw new NoPrimaryError(`${target.host}:${target.port} no longer takes writes`);
      }
    }
  };
}

/**
 * The client class and connection string for `url`: pg.Client itself for one host without session
 * attributes (nothing to choose), a host-selecting class otherwise.
 */
export function clientFor(
  url: string,
  connectTimeoutMs: number,
): { Client: typeof pg.Client; connectionString: string; locator?: HostLocator } {
  // One host and no session attribute: node-postgres reads the string as it always did (unix
  // sockets, `?host=` and all).
  if (!needsSelection(url)) return { Client: pg.Client, connectionString: url };
  const parsed = parseDatabaseUrl(url);
  const locator = createHostLocator(parsed, { connectTimeoutMs });
  return {
    Client: hostSelectingClient(locator) as unknown as typeof pg.Client,
    connectionString: parsed.urlFor(parsed.hosts[0]!),
    locator,
  };
}
