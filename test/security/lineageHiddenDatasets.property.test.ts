import fc from 'fast-check';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousConsumer } from '../../schema/consumer.ts';
import { revisionOf, type DatasetRecord, type LineageEdgeRecord } from '../../schema/datasetRecord.ts';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import { createCatalogue, type Catalogue } from '../../subgraphs/catalogue/createCatalogue.ts';
import { compileRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';

/**
 * Lineage for a consumer who may not discover some datasets (here:
 * anonymous, and every `confidential` dataset), over random graphs and
 * random hidden sets. Two catalogues hold the same datasets, except that in
 * the second every hidden dataset has other edges (to anything, with other
 * jobs, run times and columns), another residency and another last change.
 * The answers must be equal, and hold nothing of a hidden dataset but its id.
 */

const regions = ['MO', 'VN', 'CN-GX'];
const datasetIds = ['MO:a', 'MO:b', 'VN:c', 'VN:d', 'CN-GX:e', 'CN-GX:f', 'MO:g', 'VN:h'];
const upstreamIds = [...datasetIds, 'ZZ:missing', 'ol:s3%3A%2F%2Fraw/x'];
/** What only a hidden dataset ever carries: none of it may appear in an answer. */
const secretUpstreams = ['ol:secret%3A%2F%2Finternal/passport_scans', 'ZZ:secret-missing'];
const visibleResidencies = ['MO', 'VN', 'CN-GX', 'CN-GD'];
const hiddenResidencies = ['KH', 'LA'];
const times = [undefined, '2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z', '2025-06-01T00:00:00Z'];
const days = ['2024-12-01', '2025-02-01', '2025-05-01'];

const columns = (field: string) => [{ field, inputFields: [{ namespace: `${field}-ns`, name: `${field}-table`, field: `${field}-in` }] }];
const edgeArbitrary = (secret: boolean): fc.Arbitrary<LineageEdgeRecord> =>
  fc
    .record({
      upstream: fc.constantFrom(...upstreamIds, ...(secret ? secretUpstreams : [])),
      job: fc.option(fc.constantFrom(...(secret ? ['secret-job-1', 'secret-job-2'] : ['j1', 'j2'])), { nil: undefined }),
      runTime: fc.constantFrom(...times),
      columns: fc.option(fc.constant(columns(secret ? 'secret-col' : 'col')), { nil: undefined }),
    })
    .map((edge) => Object.fromEntries(Object.entries(edge).filter(([, value]) => value !== undefined)) as unknown as LineageEdgeRecord);

interface Generated {
  id: string;
  hidden: boolean;
  residency: string;
  modified: string;
  edges: LineageEdgeRecord[];
  /** What the dataset has in the second catalogue, if hidden. */
  other: { residency: string; modified: string; edges: LineageEdgeRecord[] };
}

const datasetArbitrary = (id: string): fc.Arbitrary<Generated> =>
  fc.boolean().chain((hidden) =>
    fc.record({
      id: fc.constant(id),
      hidden: fc.constant(hidden),
      residency: fc.constantFrom(...(hidden ? hiddenResidencies : visibleResidencies)),
      modified: fc.constantFrom(...days),
      edges: fc.array(edgeArbitrary(hidden), { maxLength: 4 }),
      other: fc.record({ residency: fc.constantFrom(...hiddenResidencies), modified: fc.constantFrom(...days), edges: fc.array(edgeArbitrary(true), { maxLength: 6 }) }),
    }),
  );

/** A subset of the datasets, each hidden or not, in a random order of arrival. */
const graphArbitrary = fc
  .subarray(datasetIds, { minLength: 1 })
  .chain((ids) => fc.tuple(...ids.map(datasetArbitrary)))
  .chain((datasets) => fc.shuffledSubarray(datasets, { minLength: datasets.length, maxLength: datasets.length }));

const queryArbitrary = fc.oneof(
  fc.record({
    kind: fc.constant('lineage' as const),
    direction: fc.constantFrom('UPSTREAM', 'DOWNSTREAM', 'BOTH'),
    depth: fc.integer({ min: 1, max: 6 }),
    since: fc.option(fc.constantFrom('2025-01-15', '2025-04-01', '2025-05-15'), { nil: null }),
  }),
  fc.record({ kind: fc.constant('dataset' as const) }),
  fc.record({ kind: fc.constant('flows' as const), from: fc.option(fc.constantFrom('CN', 'MO', 'VN', 'KH', 'LA'), { nil: null }), to: fc.option(fc.constantFrom('CN', 'MO', 'VN', 'KH', 'LA'), { nil: null }) }),
);

const documents = {
  lineage: parse(`query ($id: ID!, $direction: LineageDirection, $depth: Int, $since: String) {
    lineage(id: $id, direction: $direction, depth: $depth, since: $since) {
      root { __typename id } isPartial partialRegions
      nodes { __typename id ... on Dataset { modified classification { residency } } ... on ExternalDataset { namespace name } }
      edges { upstream downstream depth job runTime crossBorder fromJurisdiction toJurisdiction columns { field inputFields { namespace name field } } }
    } }`),
  dataset: parse(`query ($id: ID!) { dataset(id: $id) { id upstream { __typename id } downstream { __typename id ... on Dataset { modified } } } }`),
  flows: parse(`query ($from: String, $to: String) { crossBorderFlows(from: $from, to: $to) {
    edge { upstream downstream job runTime crossBorder fromJurisdiction toJurisdiction columns { field } }
    upstream { __typename id } downstream { __typename id } } }`),
};

function recordOf(id: string, hidden: boolean, residency: string, modified: string, lineage: LineageEdgeRecord[]): DatasetRecord {
  const region = regionOfDatasetId(id)!;
  const content = {
    id, region, identifier: id.slice(region.length + 1), language: 'en',
    title: [{ lang: 'en', value: id }], description: [{ lang: 'en', value: 'Generated.' }],
    keywords: [], themes: [], spatial: [], distributions: [], lineage, identifiers: [], modified,
    access: { tier: hidden ? ('confidential' as const) : ('public' as const), personalData: 'none' as const, securityLevel: 'general' as const, residency, allowedPurposes: [], allowedDestinations: [], readerRoles: [], obligations: [] },
  };
  return { ...content, revision: revisionOf(content) };
}

/** Every place a hidden id appears in an answer must be a bare stub, or the upstream of a masked edge a visible dataset declares. */
function assertOnlyIdsOfHidden(answer: unknown, hidden: ReadonlySet<string>): void {
  const visit = (value: unknown, parentKey: string | undefined): void => {
    if (Array.isArray(value)) return value.forEach((item) => visit(item, parentKey));
    if (!value || typeof value !== 'object') {
      if (typeof value === 'string' && hidden.has(value)) expect(parentKey, `hidden ${value} as ${parentKey}`).toBe('upstream');
      return;
    }
    const node = value as Record<string, unknown>;
    if (typeof node.id === 'string' && hidden.has(node.id)) {
      expect(node, `hidden ${node.id} shown in full`).toEqual({ __typename: 'RestrictedDataset', id: node.id });
      return;
    }
    if (typeof node.upstream === 'string' && hidden.has(node.upstream) && 'downstream' in node) {
      expect(hidden.has(node.downstream as string), 'an edge a hidden dataset declares').toBe(false);
      expect(node).toMatchObject({ crossBorder: false, fromJurisdiction: null });
      if ('columns' in node) expect(node.columns).toEqual([]);
    }
    for (const [key, child] of Object.entries(node)) visit(child, key);
  };
  visit(answer, undefined);
  const text = JSON.stringify(answer);
  for (const secret of ['secret', '"KH"', '"LA"']) expect(text, `${secret} leaked`).not.toContain(secret);
}

describe('lineage of datasets a consumer may not discover (property)', () => {
  let plain: Catalogue;
  let busy: Catalogue;
  beforeAll(async () => {
    plain = await createCatalogue({ regions: [], harvestIntervalMs: 0 });
    busy = await createCatalogue({ regions: [], harvestIntervalMs: 0 });
    for (const catalogue of [plain, busy]) {
      for (const region of regions) {
        catalogue.discovery.setPolicies(
          compileRegionPolicies(region, { 'discover.cedar': `@id("listed") @reason("r") permit (principal, action == Wharf::Action::"discover", resource) when { resource.tier != "confidential" };` }),
        );
      }
    }
  });
  afterAll(async () => {
    await plain?.[Symbol.asyncDispose]();
    await busy?.[Symbol.asyncDispose]();
  });

  it('shows nothing of a hidden dataset but its id, and the same answer whatever edges hidden datasets have', async () => {
    let hiddenShown = 0;
    await fc.assert(
      fc.asyncProperty(graphArbitrary, fc.array(queryArbitrary, { minLength: 1, maxLength: 6 }), fc.nat(), async (datasets, queries, rootSeed) => {
        for (const catalogue of [plain, busy]) for (const id of datasetIds) catalogue.index.remove(id);
        for (const dataset of datasets) {
          plain.index.upsert(recordOf(dataset.id, dataset.hidden, dataset.residency, dataset.modified, dataset.edges));
          const other = dataset.hidden ? dataset.other : dataset;
          busy.index.upsert(recordOf(dataset.id, dataset.hidden, other.residency, other.modified, other.edges));
        }
        const hidden = new Set(datasets.filter((dataset) => dataset.hidden).map((dataset) => dataset.id));
        const visible = datasets.filter((dataset) => !dataset.hidden);
        for (const [at, query] of queries.entries()) {
          const root = visible[(rootSeed + at) % Math.max(1, visible.length)]?.id ?? datasets[0]!.id;
          const variables =
            query.kind === 'lineage'
              ? { id: root, direction: query.direction, depth: query.depth, since: query.since }
              : query.kind === 'dataset'
                ? { id: root }
                : { from: query.from, to: query.to };
          const [a, b] = await Promise.all([plain, busy].map((catalogue) => catalogue.execute({ document: documents[query.kind], variables }, anonymousConsumer)));
          expect(a!.errors).toBeUndefined();
          expect(b).toEqual(a);
          assertOnlyIdsOfHidden(a!.data, hidden);
          if ([...hidden].some((id) => JSON.stringify(a!.data).includes(`"${id}"`))) hiddenShown += 1;
          if (hidden.has(root) && query.kind !== 'flows') expect(Object.values(a!.data!)[0]).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
    // The property was exercised: hidden datasets did appear, as stubs.
    expect(hiddenShown).toBeGreaterThan(20);
  }, 120_000);
});
