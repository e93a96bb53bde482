import { Cluster, Redis, type ClusterNode } from 'ioredis';

/** A single Redis server or a Redis Cluster: the caches use only commands both serve. */
export type RedisClient = Redis | Cluster;

export interface RedisClientOptions {
  /** `redis://host:port[/db]` of one server. Ignored when `clusterNodes` is set. */
  url?: string;
  /** Seed nodes of a Redis Cluster (`host:port`); set, the client is an ioredis `Cluster`. */
  clusterNodes?: readonly string[];
  /** Prefix of every key this client writes, so several deployments (or tests) share one server. @default 'wharf:' */
  keyPrefix?: string;
  /**
   * Longest wait for one command, in milliseconds. A cache on the request
   * path must fail fast: past this the command fails and the caller goes on
   * without the cache. @default 100
   */
  commandTimeoutMs?: number;
  /** Longest wait to (re)connect, in milliseconds. @default 1000 */
  connectTimeoutMs?: number;
}

/**
 * An ioredis client set up for a cache on the request path, not ioredis's
 * defaults: no offline queue (a command while disconnected fails at once
 * instead of waiting), no per-command retries, a short command timeout, and
 * reconnection in the background with capped back-off.
 */
export function createRedisClient(options: RedisClientOptions): RedisClient {
  const { keyPrefix = 'wharf:', commandTimeoutMs = 100, connectTimeoutMs = 1000 } = options;
  const common = {
    keyPrefix,
    commandTimeout: commandTimeoutMs,
    connectTimeout: connectTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Commands issued in the same tick travel as one pipeline per node (in a Cluster too).
    enableAutoPipelining: true,
    // Reconnect forever, backing off to one attempt every 2 s.
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 2000),
  };
  if (options.clusterNodes && options.clusterNodes.length > 0) {
    const nodes: ClusterNode[] = options.clusterNodes.map((node) => {
      const [host, port] = node.split(':');
      return { host: host!, port: Number(port) };
    });
    return new Cluster(nodes, {
      redisOptions: common,
      keyPrefix,
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      clusterRetryStrategy: common.retryStrategy,
      // ioredis retries a command through failovers up to 16 times, 100 ms apart (1.6 s a command
      // while a master is down); a cache gives up after a few short tries instead.
      maxRedirections: 3,
      retryDelayOnFailover: 20,
      retryDelayOnClusterDown: 20,
      retryDelayOnTryAgain: 20,
      slotsRefreshTimeout: connectTimeoutMs,
    });
  }
  if (!options.url) throw new Error('createRedisClient needs a url (redis://host:port) or clusterNodes.');
  return new Redis(options.url, common);
}

/**
 * Resolves true once the client can take commands, or false after
 * `timeoutMs`: a process starting while Redis is down starts anyway (the
 * caches fail open) and the client keeps reconnecting in the background.
 */
export function whenReady(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.once('ready', onReady);
  });
}
