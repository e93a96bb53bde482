import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { revisionOf, type DatasetRecord, type LineageEdgeRecord } from '../../../schema/datasetRecord.ts';
import { regionOfDatasetId } from '../../../schema/datasetId.ts';
import { createCatalogueIndex } from '../../../subgraphs/catalogue/createCatalogueIndex.ts';
import { LineageGraph } from '../../../subgraphs/catalogue/lineageGraph.ts';
import { reachedDataset, reachedMissing } from '../../../subgraphs/catalogue/lineageWalk.ts';
import type { LineageEdgeView } from '../../../subgraphs/catalogue/lineageEdgeView.ts';
import { traverseLineage, type LineageDirection } from '../../../subgraphs/catalogue/lineageQueries.ts';
import { countryOf } from '../../../subgraphs/shared/access/createAccessEvaluator.ts';

/** Ids edges may name: datasets of three regions, one of a region never harvested, and two external inputs. */
const ids = ['MO:a', 'MO:b', 'VN:c', 'VN:d', 'CN-GX:e', 'CN-GX:f', 'MO:g', 'ZZ:h', 'ol:s3%3A%2F%2Fraw/x', 'ol:s3%3A%2F%2Fraw/y'];
const harvestable = ids.filter((id) => !id.startsWith('ol:') && !id.startsWith('ZZ:'));
const residencies = ['MO', 'VN', 'CN-GX', 'CN-GD', 'HK'];
const times = [undefined, '2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z', '2025-06-01T00:00:00Z'];
const modifiedDays = ['2024-12-01', '2025-02-01', '2025-05-01'];

type Change =
  | { kind: 'set'; id: string; residency: string; modified: string; edges: LineageEdgeRecord[] }
  | { kind: 'remove'; id: string };

const edgeArbitrary = fc.record({
  upstream: fc.constantFrom(...ids),
  job: fc.option(fc.constantFrom('j1', 'j2'), { nil: undefined }),
  runTime: fc.constantFrom(...times),
});
const changeArbitrary: fc.Arbitrary<Change> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), id: fc.constantFrom(...harvestable), residency: fc.constantFrom(...residencies), modified: fc.constantFrom(...modifiedDays), edges: fc.array(edgeArbitrary, { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.constantFrom(...harvestable) }) },
);
const withoutUndefined = (edge: LineageEdgeRecord): LineageEdgeRecord => Object.fromEntries(Object.entries(edge).filter(([, value]) => value !== undefined)) as LineageEdgeRecord;

interface HeldDataset {
  residency: string;
  modifiedMs: number;
  edges: LineageEdgeRecord[];
}

/**
 * The oracle: datasets by id in a Map, kept in the order they last changed,
 * and the lineage semantics written out plainly with strings. A dataset's
 * downstream edges are listed in the order their downstreams last changed,
 * then as each declares them.
 */
class ReferenceLineage {
  readonly held = new Map<string, HeldDataset>();

  apply(change: Change): void {
    this.held.delete(change.id);
    if (change.kind === 'set') this.held.set(change.id, { residency: change.residency, modifiedMs: Date.parse(change.modified), edges: change.edges });
  }

  private observedMs(downstream: string, edge: LineageEdgeRecord): number {
    return edge.runTime ? Date.parse(edge.runTime) : this.held.get(downstream)!.modifiedMs;
  }

  walk(root: string, direction: LineageDirection, depth: number, sinceMs: number | undefined, maxNodes: number) {
    const isMissing = (id: string) => !this.held.has(id) && !id.startsWith('ol:');
    const taken = new Set([root]);
    const nodes = [root];
    const missing = new Set<string>();
    const edges: { upstream: string; downstream: string; record: LineageEdgeRecord; depth: number }[] = [];
    const seenEdges = new Set<LineageEdgeRecord>();
    let truncated = false;
    let frontier = [root];
    for (let hop = 1; hop <= depth && frontier.length > 0; hop += 1) {
      const next: string[] = [];
      for (const node of frontier) {
        const found: { upstream: string; downstream: string; record: LineageEdgeRecord; other: string }[] = [];
        if (direction !== 'DOWNSTREAM') for (const record of this.held.get(node)!.edges) found.push({ upstream: record.upstream, downstream: node, record, other: record.upstream });
        if (direction !== 'UPSTREAM') {
          for (const [id, dataset] of this.held) for (const record of dataset.edges) if (record.upstream === node) found.push({ upstream: node, downstream: id, record, other: id });
        }
        for (const { upstream, downstream, record, other } of found) {
          if (sinceMs !== undefined && this.observedMs(downstream, record) < sinceMs) continue;
          if (direction === 'BOTH') {
            if (seenEdges.has(record)) continue;
            seenEdges.add(record);
          }
          if (!taken.has(other)) {
            if (taken.size >= maxNodes) {
              truncated = true;
            } else {
              taken.add(other);
              if (isMissing(other)) {
                missing.add(other);
                continue;
              }
              nodes.push(other);
              if (this.held.has(other)) next.push(other);
            }
          } else if (isMissing(other)) {
            continue;
          }
          edges.push({ upstream, downstream, record, depth: hop });
        }
      }
      frontier = next;
    }
    return { nodes, edges, missing, truncated };
  }

  answer(root: string, direction: LineageDirection, depth: number, sinceMs: number | undefined, isStale: (region: string) => boolean | undefined) {
    const walk = this.walk(root, direction, depth, sinceMs, 5000);
    const partial = new Set<string>();
    for (const id of walk.nodes) {
      const region = regionOfDatasetId(id);
      if (this.held.has(id) && region && isStale(region) === true) partial.add(region);
    }
    for (const id of walk.missing) {
      const region = regionOfDatasetId(id);
      if (region && isStale(region) !== false) partial.add(region);
    }
    const residencyOf = (id: string) => this.held.get(id)?.residency ?? null;
    const edges: LineageEdgeView[] = walk.edges.map(({ upstream, downstream, record, depth: hop }) => ({
      upstream,
      downstream,
      job: record.job ?? null,
      runTime: record.runTime ?? null,
      columns: [],
      depth: hop,
      crossBorder: residencyOf(upstream) !== null && countryOf(residencyOf(upstream)!) !== (residencyOf(downstream) === null ? null : countryOf(residencyOf(downstream)!)),
      fromJurisdiction: residencyOf(upstream),
      toJurisdiction: residencyOf(downstream),
    }));
    return { nodeIds: walk.nodes, edges, partialRegions: [...partial].sort() };
  }
}

const queryArbitrary = fc.record({
  root: fc.constantFrom(...harvestable),
  direction: fc.constantFrom<LineageDirection>('UPSTREAM', 'DOWNSTREAM', 'BOTH'),
  depth: fc.integer({ min: 1, max: 6 }),
  since: fc.option(fc.constantFrom('2025-01-15', '2025-04-01'), { nil: undefined }),
});

describe('LineageGraph (property)', () => {
  it('walks exactly as a plain breadth-first search over the changed graph, at any node limit', () => {
    fc.assert(
      fc.property(fc.array(changeArbitrary, { maxLength: 60 }), fc.array(queryArbitrary, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 12 }), (changes, queries, maxNodes) => {
        // A capacity of 2 makes every table, list and pool grow, move and compact many times over.
        const graph = new LineageGraph(2);
        const reference = new ReferenceLineage();
        for (const change of changes) {
          if (change.kind === 'set') graph.set(change.id, change.edges, Date.parse(change.modified), change.residency);
          else graph.remove(change.id);
          reference.apply(change);
        }
        for (const query of queries) {
          const root = graph.find(query.root);
          if (root === undefined || !graph.isPresent(root)) {
            expect(reference.held.has(query.root)).toBe(false);
            continue;
          }
          const sinceMs = query.since ? Date.parse(query.since) : undefined;
          const walk = graph.walk(root, query.direction !== 'DOWNSTREAM', query.direction !== 'UPSTREAM', query.depth, sinceMs, maxNodes);
          const expected = reference.walk(query.root, query.direction, query.depth, sinceMs, maxNodes);
          expect([...walk.nodes].map((n) => graph.ids[n])).toEqual(expected.nodes);
          const edges = [...walk.edges].map((slot, i) => ({
            upstream: graph.ids[walk.table.upstream[slot]!],
            downstream: graph.ids[walk.table.downstream[slot]!],
            record: walk.table.records[slot],
            depth: walk.depths[i],
          }));
          expect(edges).toEqual(expected.edges);
          // The same record objects, not equal copies: each declared edge is its own edge.
          edges.forEach((edge, i) => expect(edge.record).toBe(expected.edges[i]!.record));
          expect(walk.truncated).toBe(expected.truncated);
          const missingRegions = new Set([...expected.missing].map((id) => regionOfDatasetId(id)));
          const datasetRegions = new Set(expected.nodes.filter((id) => reference.held.has(id)).map((id) => regionOfDatasetId(id)));
          for (let code = 0; code < walk.regions.length; code += 1) {
            expect((walk.regions[code]! & reachedMissing) !== 0).toBe(missingRegions.has(graph.regionName(code)));
            expect((walk.regions[code]! & reachedDataset) !== 0).toBe(datasetRegions.has(graph.regionName(code)));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers Query.lineage as the plain search does: nodes, edge views, cross-border flags and partial regions', () => {
    fc.assert(
      fc.property(
        fc.array(changeArbitrary, { maxLength: 40 }),
        fc.array(queryArbitrary, { minLength: 1, maxLength: 5 }),
        fc.dictionary(fc.constantFrom('MO', 'VN', 'CN-GX', 'ZZ'), fc.constantFrom(true, false)),
        (changes, queries, staleness) => {
          const index = createCatalogueIndex();
          const reference = new ReferenceLineage();
          for (const change of changes) {
            if (change.kind === 'set') {
              const edges = change.edges.map(withoutUndefined);
              const record = recordOf(change.id, change.residency, change.modified, edges);
              // The index ignores a record it holds already: the dataset keeps its place.
              if (index.revisionOf(change.id) === record.revision) continue;
              index.upsert(record);
              reference.apply({ ...change, edges });
            } else {
              index.remove(change.id);
              reference.apply(change);
            }
          }
          const isStale = (region: string) => staleness[region];
          for (const query of queries) {
            const sinceMs = query.since ? Date.parse(query.since) : undefined;
            const answer = traverseLineage(index, query.root, query.direction, query.depth, isStale, sinceMs);
            if (!reference.held.has(query.root)) {
              expect(answer).toBeUndefined();
              continue;
            }
            const expected = reference.answer(query.root, query.direction, query.depth, sinceMs, isStale);
            expect({ nodeIds: answer!.nodeIds(), edges: [...answer!.edges()].map(plainEdge), partialRegions: answer!.partialRegions }).toEqual(expected);
            expect([answer!.nodeCount, answer!.edgeCount]).toEqual([expected.nodeIds.length, expected.edges.length]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('LineageGraph', () => {
  it('keeps a walk\'s answer whole after the graph changes and compacts under it', () => {
    const graph = new LineageGraph(2);
    graph.set('MO:a', [{ upstream: 'VN:b', job: 'first' }], 0, 'MO');
    graph.set('VN:b', [{ upstream: 'CN-GX:c' }], 0, 'VN');
    graph.set('CN-GX:c', [], 0, 'CN-GX');
    const walk = graph.walk(graph.find('MO:a')!, true, false, 5, undefined, 100);
    const before = [...walk.edges].map((slot) => [walk.table.upstream[slot], walk.table.downstream[slot], walk.table.records[slot]!.job]);
    // Many rewrites: slots are superseded, then reclaimed by compaction, several times over.
    for (let round = 0; round < 50; round += 1) {
      graph.set('MO:a', [{ upstream: 'VN:b', job: `round${round}` }], 0, 'MO');
      graph.set('VN:b', [{ upstream: 'CN-GX:c' }, { upstream: 'MO:a' }], 0, 'VN');
      graph.remove('CN-GX:c');
    }
    expect([...walk.edges].map((slot) => [walk.table.upstream[slot], walk.table.downstream[slot], walk.table.records[slot]!.job])).toEqual(before);
    expect(before.map(([, , job]) => job)).toEqual(['first', undefined]);
    const now = graph.walk(graph.find('MO:a')!, true, false, 5, undefined, 100);
    expect([...now.edges].map((slot) => now.table.records[slot]!.job)).toEqual(['round49', undefined]);
  });
});

/** Every field of a view, as GraphQL reads them. */
const plainEdge = (view: LineageEdgeView): LineageEdgeView => ({
  upstream: view.upstream,
  downstream: view.downstream,
  job: view.job,
  runTime: view.runTime,
  columns: view.columns,
  depth: view.depth,
  crossBorder: view.crossBorder,
  fromJurisdiction: view.fromJurisdiction,
  toJurisdiction: view.toJurisdiction,
});

function recordOf(id: string, residency: string, modified: string, lineage: LineageEdgeRecord[]): DatasetRecord {
  const region = regionOfDatasetId(id)!;
  const content = {
    id, region, identifier: id.slice(region.length + 1), language: 'en',
    title: [{ lang: 'en', value: id }], description: [{ lang: 'en', value: 'Generated.' }],
    keywords: [], themes: [], spatial: [], distributions: [], lineage, identifiers: [], modified,
    access: { tier: 'public' as const, personalData: 'none' as const, securityLevel: 'general' as const, residency, allowedPurposes: [], allowedDestinations: [], readerRoles: [], obligations: [] },
  };
  return { ...content, revision: revisionOf(content) };
}
