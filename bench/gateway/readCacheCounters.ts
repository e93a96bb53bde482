/** Cache counters a gateway exposes at `/metrics`, summed by outcome. */
export interface CacheCounters {
  hits: number;
  /** Of `hits`, those answered by Redis (a sample naming both `redis` and `hit`). */
  redisHits: number;
  misses: number;
  errors: number;
}

/**
 * Sums every counter sample whose metric name mentions `cache` in
 * Prometheus text exposition, by outcome: a name or label with `miss`, with
 * `error` / `fail` / `timeout`, or with `hit`. Histogram series and samples
 * of no outcome are left out. Undefined when there is no cache counter.
 */
export function parseCacheCounters(exposition: string): CacheCounters | undefined {
  const counters: CacheCounters = { hits: 0, redisHits: 0, misses: 0, errors: 0 };
  let found = false;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const [, name, labels = '', value] = match;
    if (!/cache/i.test(name!) || /_(bucket|sum|count)$/.test(name!)) continue;
    const text = `${name}${labels}`.toLowerCase();
    const amount = Number(value);
    if (!Number.isFinite(amount)) continue;
    const outcome = text.includes('miss') ? 'misses' : /error|fail|timeout/.test(text) ? 'errors' : text.includes('hit') ? 'hits' : undefined;
    if (!outcome) continue;
    counters[outcome] += amount;
    if (outcome === 'hits' && text.includes('redis')) counters.redisHits += amount;
    found = true;
  }
  return found ? counters : undefined;
}

/** The `WHARF_METRICS_TOKEN` the benchmark's gateways are started with, so their `/metrics` can be read. */
export const benchMetricsToken = 'wharf-bench-metrics-token-0123456789';

/** The gateway's cache counters now; undefined when it has no `/metrics` or no cache counter there. */
export async function readCacheCounters(origin: string): Promise<CacheCounters | undefined> {
  try {
    const response = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${benchMetricsToken}` }, signal: AbortSignal.timeout(5000) });
    if (!response.ok) return undefined;
    return parseCacheCounters(await response.text());
  } catch {
    return undefined;
  }
}

/** What happened to the caches between two readings, for a table cell. */
export function describeCacheCounters(before: CacheCounters | undefined, after: CacheCounters | undefined): string {
  if (!before || !after) return 'not present';
  const delta = (key: keyof CacheCounters) => after[key] - before[key];
  const lookups = delta('hits') + delta('misses');
  const ratio = lookups > 0 ? ` (${((100 * delta('hits')) / lookups).toFixed(0)}% hits)` : '';
  return `${delta('hits')} hits (${delta('redisHits')} from Redis), ${delta('misses')} misses${ratio}, ${delta('errors')} errors`;
}
