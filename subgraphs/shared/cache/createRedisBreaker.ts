/**
 * Stops asking a failing Redis for a while, so a hung or dead server costs a
 * few command timeouts per burst, not one per request. Closed while
 * commands succeed; open for `openMs` after `failures` failures in a row;
 * then one command is let through to probe (half-open) while the rest still
 * skip Redis, for another `openMs` or until the probe succeeds.
 */
export interface RedisBreaker {
  /** Whether a command may be sent now. */
  usable(): boolean;
  succeeded(): void;
  failed(): void;
}

export interface RedisBreakerOptions {
  /** @default 3 */
  failures?: number;
  /** @default 1000 */
  openMs?: number;
}

export function createRedisBreaker(options: RedisBreakerOptions = {}): RedisBreaker {
  const { failures: threshold = 3, openMs = 1000 } = options;
  let failures = 0;
  let openUntil = 0;
  return {
    usable() {
      if (failures < threshold) return true;
      const now = Date.now();
      if (now < openUntil) return false;
      // This caller is the probe; everyone else waits for its outcome.
      openUntil = now + openMs;
      return true;
    },
    succeeded() {
      failures = 0;
    },
    failed() {
      failures += 1;
      if (failures >= threshold) openUntil = Date.now() + openMs;
    },
  };
}
