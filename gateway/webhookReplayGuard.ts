import { createReplayGuard } from '../schema/signedRequest.ts';
import { createRedisBreaker } from '../subgraphs/shared/cache/createRedisBreaker.ts';
import type { RedisClient } from '../subgraphs/shared/cache/createRedisClient.ts';

/** The harvest pings the gateway has taken, until each could no longer verify. */
export interface WebhookReplayGuard {
  /** True the first time `key` is claimed before `expiresAtMs` (on any replica, with Redis); false for a replay. */
  claim(key: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
}

export interface WebhookReplayGuardOptions {
  /** Redis shared by the replicas; without it each process remembers alone. */
  redis?: RedisClient;
  /** Pings remembered in this process, at most (about 100 bytes each); past it the oldest is forgotten. @default 10000 */
  maxEntries?: number;
  /** Called when Redis could not be asked and this process decided alone. */
  onRedisError?: () => void;
}

/**
 * Remembers the pings taken, in this process (bounded by entries) and, when
 * the gateway has Redis, there too (`SET NX` with the ping's expiry), so a
 * ping one replica took is a replay at every other. Only verified pings are
 * claimed, so only a holder of a region's secret can add entries.
 *
 * Redis is asked after the process's own memory: a replay to the same
 * replica is refused without a round trip. When Redis fails or is skipped
 * by the breaker, the process decides alone: a ping is an accelerator (the
 * catalogue harvests on its interval anyway), so while Redis is down a
 * replay seen by another replica costs at most one extra harvest here, and
 * the hook's harvest floor bounds even that.
 */
export function createWebhookReplayGuard(options: WebhookReplayGuardOptions = {}): WebhookReplayGuard {
  const { redis, maxEntries = 10_000, onRedisError } = options;
  const local = createReplayGuard(maxEntries);
  const breaker = createRedisBreaker();
  return {
    async claim(key, expiresAtMs, nowMs) {
      if (!local.claim(key, expiresAtMs, nowMs)) return false;
      if (!redis) return true;
      if (!breaker.usable()) {
        onRedisError?.();
        return true;
      }
      try {
        const reply = await redis.set(`webhook:ping:${key}`, '1', 'PX', Math.max(1, expiresAtMs - nowMs), 'NX');
        breaker.succeeded();
        return reply === 'OK';
      } catch {
        breaker.failed();
        onRedisError?.();
        return true;
      }
    },
  };
}
