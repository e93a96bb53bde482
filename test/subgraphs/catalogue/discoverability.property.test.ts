import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDatasets } from '../../../bench/generateDatasets.ts';
import { anonymousConsumer, type Consumer } from '../../../schema/consumer.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { createCatalogue, type Catalogue } from '../../../subgraphs/catalogue/createCatalogue.ts';
import { createAccessEvaluator } from '../../../subgraphs/shared/access/createAccessEvaluator.ts';
import { compileRegionPolicies, type RegionPolicies } from '../../../subgraphs/shared/access/loadRegionPolicies.ts';
import { mulberry32 } from '../../../bench/measure.ts';

const regions = ['CN-GX', 'MO', 'VN', 'MY', 'SG', 'TH', 'ID', 'PH'];
/** A region's discover rules: the demo's, plus one that depends on the consumer's jurisdiction and roles. */
const policiesOf = (region: string): RegionPolicies =>
  compileRegionPolicies(region, {
    'discover.cedar': `
      @id("listed") @reason("r") permit (principal, action == Wharf::Action::"discover", resource) when { resource.tier == "public" || resource.tier == "internal" };
      @id("restricted-to-readers") @reason("r") @requires("role") permit (principal, action == Wharf::Action::"discover", resource)
        when { resource.tier == "restricted" && principal.authenticated && principal.roles.containsAny(resource.readerRoles) };
      @id("confidential-home") @reason("r") @requires("role") permit (principal, action == Wharf::Action::"discover", resource)
        when { resource.tier == "confidential" && principal.jurisdiction == resource.residency && principal.roles.contains("official") };
      @id("no-core-abroad") @reason("r") @missing("never") forbid (principal, action == Wharf::Action::"discover", resource)
        when { resource.securityLevel == "core" && context.crossBorder };`,
  });

const documents = {
  search: parse(`query ($q: String, $f: SearchFilter, $after: String) { search(query: $q, filter: $f, first: 15, after: $after, facetLimit: 100) {
    totalCount pageInfo { endCursor } edges { node { id title } } facets { field values { value count } } } }`),
  suggest: parse(`query ($p: String!) { suggest(prefix: $p, first: 10) { text dataset { id } } }`),
  lookup: parse(`query ($ids: [ID!]!) { datasets(ids: $ids) { id title } }`),
  lineage: parse(`query ($id: ID!) { dataset(id: $id) { id upstream { __typename id ... on Dataset { title } } downstream { __typename id ... on Dataset { title } } } }`),
};

describe('discoverability (property)', () => {
  const records = generateDatasets(1500, 21);
  const byId = new Map(records.map((record) => [record.id, record]));
  const evaluators = new Map(regions.map((region) => [region, createAccessEvaluator(policiesOf(region))]));
  /** The oracle: each dataset decided on its own from its region's policies, with no index and no discoverable sets. */
  const mayDiscover = (consumer: Consumer, record: DatasetRecord) =>
    evaluators.get(record.region)!.decide(consumer, { ...record.access, region: record.region }, 'discover').decision !== 'DENY';
  let cached: Catalogue;
  let uncached: Catalogue;

  beforeAll(async () => {
    cached = await createCatalogue({ regions: [], harvestIntervalMs: 0 });
    uncached = await createCatalogue({ regions: [], harvestIntervalMs: 0, cacheDecisions: false });
    for (const catalogue of [cached, uncached]) {
      for (const record of records) catalogue.index.upsert(record);
      for (const region of regions) catalogue.discovery.setPolicies(policiesOf(region));
    }
  });

  it('decides the same with the decision memo as without, for random consumers and datasets', () => {
    const random = mulberry32(7);
    for (const region of regions) {
      const memoized = createAccessEvaluator(policiesOf(region));
      const fresh = createAccessEvaluator(policiesOf(region), { memoize: false });
      const own = records.filter((record) => record.region === region);
      for (let i = 0; i < 300; i += 1) {
        const record = own[Math.floor(random() * own.length)]!;
        const consumer: Consumer = { ...anonymousConsumer, authenticated: random() < 0.7, jurisdiction: regions[Math.floor(random() * 8)]!, roles: random() < 0.5 ? ['official', 'researcher'] : [], subject: `s${i}` };
        const access = { ...record.access, region };
        for (const action of ['discover', 'read'] as const) expect(memoized.decide(consumer, access, action)).toEqual(fresh.decide(consumer, access, action));
      }
    }
  });

  it('never shows a consumer a dataset it may not discover, cached or not, over 10,000 random consumers and queries', async () => {
    const random = mulberry32(99);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const words = ['statistics', 'trade', 'port', 'health', 'monthly', 'population', 'container', 'thống kê', '统计', 'data', ''];
    const roles = ['official', 'researcher', 'analyst'];
    let checked = 0;
    let hiddenSeen = 0;
    for (let round = 0; round < 10_000; round += 1) {
      const consumer: Consumer =
        random() < 0.3
          ? anonymousConsumer
          : { ...anonymousConsumer, subject: `c${round}`, authenticated: true, org: 'o', jurisdiction: pick(regions), roles: roles.filter(() => random() < 0.4) };
      const kind = pick(['search', 'search', 'suggest', 'lookup', 'lineage'] as const);
      const record = pick(records);
      const variables =
        kind === 'search'
          ? { q: pick(words), ...(random() < 0.5 ? { f: { regions: [pick(regions), pick(regions)] } } : {}) }
          : kind === 'suggest'
            ? { p: pick(words.filter(Boolean)).slice(0, 4) }
            : kind === 'lookup'
              ? { ids: [record.id, pick(records).id, pick(records).id] }
              : { id: record.lineage[0]?.upstream ?? record.id };
      const [a, b] = await Promise.all([cached.execute({ document: documents[kind], variables }, consumer), uncached.execute({ document: documents[kind], variables }, consumer)]);
      expect(a).toEqual(b);
      expect(a.errors).toBeUndefined();

      // Every dataset shown with metadata must be discoverable; stubs carry nothing but an id.
      const visit = (value: unknown): void => {
        if (Array.isArray(value)) {
          for (const item of value) visit(item);
          return;
        }
        if (!value || typeof value !== 'object') return;
        const node = value as Record<string, unknown>;
        if (typeof node.id === 'string' && byId.has(node.id)) {
          checked += 1;
          if (node.__typename === 'RestrictedDataset') {
            expect(Object.keys(node).sort()).toEqual(['__typename', 'id']);
            if (!mayDiscover(consumer, byId.get(node.id)!)) hiddenSeen += 1;
          } else expect(mayDiscover(consumer, byId.get(node.id)!), `${node.id} leaked to ${JSON.stringify(consumer)}`).toBe(true);
        }
        for (const child of Object.values(node)) visit(child);
      };
      visit(a.data);

      if (kind === 'search') {
        // Totals and facets count only what the consumer may discover: recount by brute force.
        const search = (a.data as any).search;
        const text = (variables as { q: string }).q;
        if (text === '') {
          const filterRegions = (variables as { f?: { regions: string[] } }).f?.regions;
          const expected = records.filter((item) => mayDiscover(consumer, item) && (!filterRegions || filterRegions.includes(item.region)));
          expect(search.totalCount).toBe(expected.length);
          const regionFacet = search.facets.find((facet: { field: string }) => facet.field === 'REGION').values;
          const counts = new Map<string, number>();
          for (const item of expected) counts.set(item.region, (counts.get(item.region) ?? 0) + 1);
          expect(new Map(regionFacet.map((value: { value: string; count: number }) => [value.value, value.count]))).toEqual(counts);
        }
      }
    }
    expect(checked).toBeGreaterThan(20_000);
    expect(hiddenSeen).toBeGreaterThan(0);
  }, 240_000);
});
