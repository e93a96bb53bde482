import pg from 'pg';

export interface DatabaseSessionOptions {
  url: string;
  /** The LISTEN/NOTIFY channel to listen on. */
  channel: string;
  /** How often the connection is checked with a round trip, in milliseconds. @default 1000 */
  checkIntervalMs?: number;
  /**
   * Longest wait for that round trip (and for connecting), in milliseconds:
   * past it the connection is dropped as lost, with everything held on it
   * (the leader's lock). @default 2000
   */
  checkTimeoutMs?: number;
  /** Longest pause between attempts to reconnect, in milliseconds (doubling from 100). @default 2000 */
  maxReconnectDelayMs?: number;
  /** Told each time the session is (re)connected and listening. */
  onConnected?: () => void;
  /** Told once each time the connection is lost (and everything held on it with it). */
  onLost?: (reason: string) => void;
  /** Told of every notification on the channel. */
  onNotification?: (payload: string) => void;
}

/**
 * One dedicated connection per replica, kept open: it LISTENs for the
 * catalogue's notifications and holds the leader's session-level advisory
 * lock, so losing it means losing both, at once and knowingly.
 *
 * A lost connection (closed, reset, or not answering a round trip within
 * `checkTimeoutMs`: a hung server or a cut network) is dropped, reported
 * once, and opened again with a growing pause. The server is asked to
 * notice a vanished client within seconds too (TCP keepalives every second
 * after 2 s idle), so a crashed leader's lock is freed quickly.
 */
export interface DatabaseSession extends AsyncDisposable {
  readonly connected: boolean;
  /** `connecting` until the first connection; `down` from a failed attempt or a loss until the next connection. */
  readonly state: 'connecting' | 'connected' | 'down';
  /** Runs one statement on the session's connection; rejects when it is down or does not answer within `checkTimeoutMs`. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Starts connecting. */
  start(): void;
  /** Drops the connection now (and whatever it held), then reconnects. */
  reset(reason: string): void;
}

export function createDatabaseSession(options: DatabaseSessionOptions): DatabaseSession {
  const { url, channel, checkIntervalMs = 1000, checkTimeoutMs = 2000, maxReconnectDelayMs = 2000 } = options;
  let client: pg.Client | undefined;
  let connected = false;
  let state: 'connecting' | 'connected' | 'down' = 'connecting';
  let disposed = false;
  let started = false;
  let reconnectDelayMs = 100;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let checkTimer: NodeJS.Timeout | undefined;
  /** Statements on the session run one at a time: the connection is one, and pg queues concurrent ones only reluctantly. */
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(statement: () => Promise<T>): Promise<T> => {
    const next = queue.then(statement, statement);
    queue = next.catch(() => undefined);
    return next;
  };
  let checking = false;

  function drop(target: pg.Client, reason: string): void {
    if (client !== target) return;
    client = undefined;
    const wasConnected = connected;
    connected = false;
    state = 'down';
    clearInterval(checkTimer);
    // Destroyed, not ended: a hung server would never answer the goodbye.
    (target as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    target.end().catch(() => undefined);
    if (wasConnected) options.onLost?.(reason);
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (disposed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, reconnectDelayMs);
    reconnectTimer.unref();
    reconnectDelayMs = Math.min(maxReconnectDelayMs, reconnectDelayMs * 2);
  }

  async function connect(): Promise<void> {
    if (disposed || client) return;
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: checkTimeoutMs, query_timeout: checkTimeoutMs, keepAlive: true, keepAliveInitialDelayMillis: 1000 });
    client = next;
    next.on('error', (error) => drop(next, `connection error: ${error.message}`));
    next.on('end', () => drop(next, 'connection closed'));
    next.on('notification', (message) => {
      if (client === next && message.channel === channel && message.payload !== undefined) options.onNotification?.(message.payload);
    });
    try {
      await next.connect();
      // The server notices a vanished client within about 5 s and frees its lock (best effort: not on every platform).
      await next.query('SET tcp_keepalives_idle = 2; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 3').catch(() => undefined);
      await next.query(`LISTEN "${channel}"`);
    } catch (error) {
      drop(next, `could not connect: ${(error as Error).message}`);
      return;
    }
    if (client !== next || disposed) return;
    connected = true;
    state = 'connected';
    reconnectDelayMs = 100;
    checkTimer = setInterval(() => {
      if (checking) return;
      checking = true;
      serially(() => next.query('SELECT 1'))
        .catch((error: Error) => drop(next, `no answer to a check within ${checkTimeoutMs} ms (${error.message})`))
        .finally(() => (checking = false));
    }, checkIntervalMs);
    checkTimer.unref();
    options.onConnected?.();
  }

  return {
    get connected() {
      return connected;
    },
    get state() {
      return state;
    },
    query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]) {
      const current = client;
      if (!current || !connected) return Promise.reject(new Error('The catalogue database session is not connected.'));
      return serially(() => current.query<R>(sql, params)).catch((error: Error) => {
        // A statement the server refused leaves the connection sound; anything else (a timeout, a reset) does not.
        if (!(error instanceof pg.DatabaseError)) drop(current, `a statement failed: ${error.message}`);
        throw error;
      });
    },
    start() {
      if (started) return;
      started = true;
      void connect();
    },
    reset(reason) {
      if (client) drop(client, reason);
    },
    async [Symbol.asyncDispose]() {
      disposed = true;
      clearTimeout(reconnectTimer);
      clearInterval(checkTimer);
      const current = client;
      client = undefined;
      connected = false;
      await current?.end().catch(() => undefined);
    },
  };
}
