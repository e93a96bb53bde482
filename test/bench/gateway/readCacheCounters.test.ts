import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeCacheCounters, parseCacheCounters, readCacheCounters } from '../../../bench/gateway/readCacheCounters.ts';

const exposition = `# HELP wharf_cache_lookups_total Cache lookups by outcome.
# TYPE wharf_cache_lookups_total counter
wharf_cache_lookups_total{cache="entity",outcome="local_hit"} 100
wharf_cache_lookups_total{cache="entity",outcome="redis_hit"} 20
wharf_cache_lookups_total{cache="entity",outcome="miss"} 30
wharf_cache_lookups_total{cache="search",outcome="hit"} 45
wharf_cache_lookups_total{cache="search",outcome="miss"} 5
wharf_cache_errors_total{cache="entity"} 2
wharf_cache_duration_seconds_bucket{cache="entity",le="0.005"} 150
wharf_cache_duration_seconds_count{cache="entity"} 150
graphql_envelop_request_total{operationName="SearchPage"} 999
`;

describe('parseCacheCounters', () => {
  it('sums cache counters by outcome and leaves out histograms and other metrics', () => {
    expect(parseCacheCounters(exposition)).toEqual({ hits: 165, redisHits: 20, misses: 35, errors: 2 });
  });

  it('answers undefined when no metric is about a cache', () => {
    expect(parseCacheCounters('# TYPE up gauge\nup 1\ngraphql_envelop_request_total 3\n')).toBeUndefined();
  });
});

describe('describeCacheCounters', () => {
  it('says what changed between two readings, with the hit ratio', () => {
    expect(describeCacheCounters({ hits: 100, redisHits: 10, misses: 50, errors: 1 }, { hits: 190, redisHits: 15, misses: 60, errors: 1 })).toBe(
      '90 hits (5 from Redis), 10 misses (90% hits), 0 errors',
    );
  });

  it('says "not present" when a reading has no cache counters', () => {
    expect(describeCacheCounters(undefined, undefined)).toBe('not present');
  });
});

describe('readCacheCounters', () => {
  it("reads a gateway's /metrics, and answers undefined when it has none", async () => {
    const server = createServer((request, response) => {
      if (request.url === '/metrics') response.end(exposition);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await readCacheCounters(origin)).toEqual({ hits: 165, redisHits: 20, misses: 35, errors: 2 });
      expect(await readCacheCounters(`${origin}/elsewhere`)).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
