import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';

/**
 * The port a server was to listen on is taken by another process. The
 * message names the port and host; `main` code adds the setting that moves
 * it (`WHARF_PORT`, `WHARF_REGION_PORT_BASE`, `--port`), which only it knows.
 */
export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(`Port ${port} on ${host} is already in use by another process.`);
    this.name = 'PortInUseError';
  }
}

/** Starts `server` on `host:port` (0: a free port) and resolves with its origin, `http://host:port`; a taken port rejects with `PortInUseError`. */
export async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host) : error);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
}

/** A loopback port nothing listens on right now (for a server started by another process, or a port known to be closed). */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
