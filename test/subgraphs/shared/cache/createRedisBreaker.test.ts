import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRedisBreaker } from '../../../../subgraphs/shared/cache/createRedisBreaker.ts';

describe('createRedisBreaker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opens after the failures in a row, then lets exactly one probe through at a time', () => {
    const breaker = createRedisBreaker({ failures: 3, openMs: 1000 });
    breaker.failed();
    breaker.failed();
    expect(breaker.usable()).toBe(true);
    breaker.failed();
    expect(breaker.usable()).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(breaker.usable()).toBe(true);
    // While the probe is out, nobody else asks Redis.
    expect([breaker.usable(), breaker.usable(), breaker.usable()]).toEqual([false, false, false]);
    breaker.failed();
    expect(breaker.usable()).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(breaker.usable()).toBe(true);
    breaker.succeeded();
    expect([breaker.usable(), breaker.usable()]).toEqual([true, true]);
  });

  it('sends another probe when one never reports back', () => {
    const breaker = createRedisBreaker({ failures: 1, openMs: 500 });
    breaker.failed();
    vi.advanceTimersByTime(500);
    expect(breaker.usable()).toBe(true);
    vi.advanceTimersByTime(499);
    expect(breaker.usable()).toBe(false);
    vi.advanceTimersByTime(1);
    expect(breaker.usable()).toBe(true);
  });
});
