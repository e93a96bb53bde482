import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * What the proxy does with connections: `forward` them; `down` (close every
 * connection and refuse new ones, as a stopped server); `hung` (accept
 * connections and stop passing anything either way, as a server or a
 * network that stopped answering without closing).
 */
export type ProxyMode = 'forward' | 'down' | 'hung';

export interface TcpProxy extends AsyncDisposable {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string;
  setMode(mode: ProxyMode): void;
}

/**
 * A TCP proxy a test controls, in front of a real server (PostgreSQL here),
 * to make it go down or hang for the processes behind it without touching
 * the server other tests use. A client closing its side is passed on in
 * every mode, so the server frees what the client held (a session's
 * advisory lock); leaving `hung` drops the connections it held still.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  const pairs = new Set<{ client: Socket; upstream: Socket | undefined }>();
  const server: Server = createServer((client) => {
    if (mode === 'down') {
      client.destroy();
      return;
    }
    const pair: { client: Socket; upstream: Socket | undefined } = { client, upstream: undefined };
    pairs.add(pair);
    const close = () => {
      client.destroy();
      pair.upstream?.destroy();
      pairs.delete(pair);
    };
    client.on('error', close);
    client.on('close', close);
    if (mode === 'hung') {
      // Accepted, never connected onwards: nothing it sends is answered.
      client.pause();
      return;
    }
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', close);
    upstream.on('close', close);
    client.on('data', (chunk) => {
      if (mode === 'forward') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (mode === 'forward') client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as import('node:net').AddressInfo).port;
  return {
    port,
    rewrite(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    setMode(next) {
      const previous = mode;
      mode = next;
      // Going down closes everything; coming back from a hang drops what was held, as a client would after its timeouts.
      if (next === 'down' || (previous === 'hung' && next === 'forward')) {
        for (const pair of [...pairs]) {
          pair.client.destroy();
          pair.upstream?.destroy();
        }
        pairs.clear();
      }
    },
    async [Symbol.asyncDispose]() {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream?.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
