import type { Server } from 'node:http';

/**
 * Stops accepting connections, lets in-flight requests finish for up to
 * `drainMs`, then closes whatever is left. Resolves when the server is closed.
 */
export function closeHttpServer(server: Server, drainMs = 5000): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), drainMs);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}
