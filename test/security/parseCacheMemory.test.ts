import { createSchema, createYoga } from 'graphql-yoga';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isYogaParserCache, parseCachePlugin } from '../../gateway/parseCachePlugin.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const schema = createSchema({ typeDefs: 'type Query { echo(text: String): String }', resolvers: { Query: { echo: (_: unknown, args: { text?: string }) => args.text?.length ?? 0 } } });

/** The value of a gauge without labels in `registry`. */
async function gauge(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values[0]!.value;
}

describe('parseCachePlugin', () => {
  it('keeps at most maxBytes of parsed documents when hundreds of distinct 30 kB operations arrive', async () => {
    const registry = new Registry();
    const maxBytes = 2_000_000;
    const yoga = createYoga({ schema, plugins: [parseCachePlugin({ maxBytes, registry })], logging: false });
    const padding = 'x'.repeat(30_000);
    for (let i = 0; i < 300; i++) {
      const response = await yoga.fetch('http://wharf.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ echo(text: "${padding}${i}") }` }),
      });
      expect(await response.json()).toEqual({ data: { echo: String(30_000 + String(i).length) } });
    }
    // 300 × 30 kB of text went through; what stays is within the bound, and the newest are kept.
    expect(await gauge(registry, 'wharf_parse_cache_bytes')).toBeLessThanOrEqual(maxBytes);
    expect(await gauge(registry, 'wharf_parse_cache_documents')).toBeLessThan(300);
    expect(await gauge(registry, 'wharf_parse_cache_documents')).toBeGreaterThan(10);
  });

  it("takes the place of graphql-yoga's count-bounded parser cache", () => {
    const yoga = createYoga({ schema, plugins: [parseCachePlugin()], logging: false });
    expect((yoga as unknown as { plugins: unknown[] }).plugins.filter(isYogaParserCache)).toEqual([]);
    const stock = createYoga({ schema, logging: false });
    expect((stock as unknown as { plugins: unknown[] }).plugins.filter(isYogaParserCache)).toHaveLength(1);
  });
});

describe('a gateway fed operations with huge string literals', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    wharf = await startFixtureWharf({});
  });
  afterAll(() => wharf[Symbol.asyncDispose]());

  it('refuses a 900 kB literal with 400 LIMIT_EXCEEDED naming maxQueryBytes, before parsing it', async () => {
    const query = `{ search(query: "${'x'.repeat(900_000)}") { totalCount } }`;
    const response = await fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect([response.status, await response.json()]).toEqual([
      400,
      { errors: [{ message: `The operation is ${query.length} bytes long; the gateway's maxQueryBytes is 32768.`, extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxQueryBytes', max: 32768 } }] },
    ]);
    expect(await gauge(wharf.wharf.caches.registry, 'wharf_parse_cache_documents')).toBe(0);
  });

  it('runs with no count-bounded parser cache left in the runtime', () => {
    expect((wharf.wharf.gateway as unknown as { plugins: unknown[] }).plugins.filter(isYogaParserCache)).toEqual([]);
  });
});
