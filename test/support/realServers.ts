import { connect } from 'node:net';
import { describe } from 'vitest';

/**
 * Integration tests talk to real servers, never mocks. On a machine without
 * one, `npm test` skips those tests with one line naming the server and how
 * to get it; with `CI=true` they are required, so they run and fail instead.
 */
export interface RealServer {
  name: string;
  host: string;
  port: number;
  /** What to run to get it, for the skip line. */
  howToGet: string;
}

export const redisServer: RealServer = {
  name: 'Redis',
  host: '127.0.0.1',
  port: 6379,
  howToGet: 'apt-get install redis-server && redis-server --daemonize yes (or run bash .ci/run)',
};

export const postgresServer: RealServer = {
  name: 'PostgreSQL',
  host: '127.0.0.1',
  port: 5432,
  howToGet: 'apt-get install postgresql && pg_ctlcluster <version> main start, trust auth, database test (or run bash .ci/run)',
};

/** Default connection strings for the servers above. */
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const reachable = new Map<RealServer, Promise<boolean>>();

/** Whether a TCP connection to the server opens within `timeoutMs`. */
export function isReachable(server: RealServer, timeoutMs = 1000): Promise<boolean> {
  let probe = reachable.get(server);
  if (!probe) {
    probe = new Promise<boolean>((resolve) => {
      const socket = connect({ host: server.host, port: server.port });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => done(false));
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
    });
    reachable.set(server, probe);
  }
  return probe;
}

const required = process.env.CI === 'true';
const warned = new Set<RealServer>();

/**
 * `describe` for tests that need `servers`: runs them when every server is
 * reachable or when CI requires them; otherwise skips with one clear line.
 */
export async function describeWithServers(servers: readonly RealServer[], name: string, body: () => void): Promise<void> {
  const missing: RealServer[] = [];
  for (const server of servers) if (!(await isReachable(server))) missing.push(server);
  if (missing.length === 0 || required) {
    describe(name, body);
    return;
  }
  for (const server of missing) {
    if (warned.has(server)) continue;
    warned.add(server);
    console.warn(
      `skipping tests that need ${server.name}: nothing listens on ${server.host}:${server.port}. To run them: ${server.howToGet}.`,
    );
  }
  describe.skip(name, body);
}

/** Deletes every key under `prefix` (SCAN, never KEYS), so tests sharing a server clean up only their own. */
export async function deleteRedisKeys(redis: import('ioredis').Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
