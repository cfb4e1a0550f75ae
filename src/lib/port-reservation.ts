import { createServer, type Server } from 'node:net';
import { StartupError } from './errors.ts';

/** A listening socket held while the process starts, given up just before the real listener binds. */
export interface PortReservation {
  release(): Promise<void>;
}

/**
 * Holds `host:port` from the first moment of start-up, so that a port someone else holds (often a
 * second vault on one machine) stops the process before it writes anything: no master key file, no
 * tenant, no printed key (docs/operations.md#processes). Port 0 (any free port) needs no reservation.
 */
export async function reservePort(
  name: string,
  host: string,
  port: number,
  hint = '',
): Promise<PortReservation> {
  if (port === 0) return { release: async () => {} };
  // Nothing is served yet: a connection (a probe polling /healthz) is reset at once, so the
  // prober tries again and the release never waits for a connection to end.
  const server: Server = createServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, resolve);
  }).catch(portTaken(name, host, port, hint));
  return { release: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A port someone else holds is said plainly, naming the setting that moves it. */
export function portTaken(name: string, host: string, port: number, hint = '') {
  return (err: unknown): never => {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new StartupError(
        `${host}:${port} is already in use (another vault or program listens there); set ${name} to a free port${hint}`,
      );
    }
    throw err;
  };
}
