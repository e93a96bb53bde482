/**
 * Lineage at scale: traversal of a synthetic graph (default 1M edges over
 * 200k datasets in 8 regions) to depth 10, up and down; and OpenLineage
 * ingestion throughput at one region (validated COMPLETE events, in batches).
 *
 *   npm run bench -- lineage [--datasets 200000] [--edges 1000000] [--events 10000]
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { revisionOf, type DatasetRecord, type LineageEdgeRecord } from '../schema/datasetRecord.ts';
import { createCatalogueIndex } from '../subgraphs/catalogue/createCatalogueIndex.ts';
import { traverseLineage } from '../subgraphs/catalogue/lineageQueries.ts';
import { createLineageIngest } from '../subgraphs/region/lineage/createLineageIngest.ts';
import { mulberry32, percentile, rssMb } from './measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    datasets: { type: 'string', default: '200000' },
    edges: { type: 'string', default: '1000000' },
    events: { type: 'string', default: '10000' },
    roots: { type: 'string', default: '500' },
    /** `layered`: projects of 200 datasets in 8 layers, each reading from the layer before (dbt-like); `window`: each reads from any of the 2,000 datasets before it (worst case). */
    shape: { type: 'string', default: 'layered' },
  },
});
const datasetCount = Number(values.datasets);
const edgeCount = Number(values.edges);
const random = mulberry32(3);
const regions = ['CN-GX', 'MO', 'VN', 'MY', 'SG', 'TH', 'ID', 'PH'];
const perDataset = edgeCount / datasetCount;

function record(n: number, lineage: LineageEdgeRecord[]): DatasetRecord {
  const region = regions[n % regions.length]!;
  const content = {
    id: `${region}:d${n}`, region, identifier: `d${n}`, language: 'en',
    title: [{ lang: 'en', value: `Dataset ${n}` }], description: [{ lang: 'en', value: 'Synthetic.' }],
    keywords: [], themes: [], spatial: [], distributions: [], lineage, identifiers: [],
    modified: '2025-01-01',
    access: { tier: 'public' as const, personalData: 'none' as const, securityLevel: 'general' as const, residency: region, allowedPurposes: [], allowedDestinations: [], readerRoles: [], obligations: [] },
  };
  return { ...content, revision: revisionOf(content) };
}

const idOf = (n: number) => `${regions[n % regions.length]}:d${n}`;
const projectSize = 200;
const layers = 8;
/** The upstream of dataset n's k-th edge, or undefined for none. */
function pickUpstream(n: number): number | undefined {
  if (values.shape === 'window') {
    if (n === 0) return undefined;
    const other = n - 1 - Math.floor(random() * Math.min(n, 2000));
    // Four in five stay in the region: the same residue modulo the region count.
    const sameRegion = random() < 0.8 ? other - (other % regions.length) + (n % regions.length) : other;
    return Math.max(0, Math.min(n - 1, sameRegion));
  }
  // Layered: a project's datasets sit in layers; each reads from the previous layer of its project,
  // and one edge in fifty reaches the last layer (the marts) of an earlier project, often another region's.
  const project = Math.floor(n / projectSize);
  const layerSize = projectSize / layers;
  const layer = Math.floor((n % projectSize) / layerSize);
  if (random() < 0.02 && project > 0) {
    const other = Math.floor(random() * project);
    return other * projectSize + (layers - 1) * layerSize + Math.floor(random() * layerSize);
  }
  if (layer === 0) return undefined;
  return project * projectSize + (layer - 1) * layerSize + Math.floor(random() * layerSize);
}

const index = createCatalogueIndex();
let started = performance.now();
let edges = 0;
for (let n = 0; n < datasetCount; n += 1) {
  const lineage: LineageEdgeRecord[] = [];
  const want = Math.floor(perDataset) + (random() < perDataset % 1 ? 1 : 0);
  for (let k = 0; k < want * 2 && lineage.length < want; k += 1) {
    const upstream = pickUpstream(n);
    if (upstream === undefined) continue;
    const id = idOf(upstream);
    if (!lineage.some((edge) => edge.upstream === id)) lineage.push({ upstream: id, job: `job${k}` });
  }
  edges += lineage.length;
  index.upsert(record(n, lineage));
}
const buildMs = performance.now() - started;

const roots = Array.from({ length: Number(values.roots) }, () => idOf(Math.floor(random() * datasetCount)));
const fresh = () => false;
/**
 * Two costs per direction, over the same roots: the traversal alone (what
 * `traverseLineage` returns: node numbers, edge slots, partial regions) and
 * the full answer (that plus every node id and every edge view, as a query
 * selecting `nodes` and `edges` builds them before GraphQL serialises them).
 */
function measure(direction: 'UPSTREAM' | 'DOWNSTREAM', full: boolean) {
  const answer = (root: string) => {
    const result = traverseLineage(index, root, direction, 10, fresh)!;
    if (full) {
      result.nodeIds();
      result.edges();
    }
    return result;
  };
  for (const root of roots.slice(0, 50)) answer(root);
  const timings: number[] = [];
  let nodes = 0;
  let edges = 0;
  for (const root of roots) {
    const t = performance.now();
    const result = answer(root);
    timings.push(performance.now() - t);
    nodes += result.nodeCount;
    edges += result.edgeCount;
  }
  return { p50: percentile(timings, 50), p99: percentile(timings, 99), nodes: Math.round(nodes / roots.length), edges: Math.round(edges / roots.length) };
}
const rows: string[] = [];
for (const direction of ['UPSTREAM', 'DOWNSTREAM'] as const) {
  const walk = measure(direction, false);
  const full = measure(direction, true);
  rows.push(
    `| ${direction.toLowerCase()} to depth 10 | ${walk.p50.toFixed(2)} / ${walk.p99.toFixed(2)} | ${full.p50.toFixed(2)} / ${full.p99.toFixed(2)} | ${walk.nodes} | ${walk.edges} |`,
  );
}

// Ingestion: COMPLETE events, each 2 inputs and 1 output of the region's datasets, posted 100 at a time.
const regionRecords = Array.from({ length: 1000 }, (_, n) => ({ ...record(n * 8, []), identifiers: [{ namespace: 'warehouse', name: `t${n}` }] }));
const target = { region: 'CN-GX', records: async () => regionRecords, setIngestedLineage: () => true };
const ingest = createLineageIngest(target);
const eventCount = Number(values.events);
const events = Array.from({ length: eventCount }, (_, i) => ({
  eventType: 'COMPLETE',
  eventTime: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
  producer: 'https://example.org/bench',
  schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
  run: { runId: `0191b7d0-7c3a-7f00-8000-${String(i).padStart(12, '0')}` },
  job: { namespace: 'bench', name: `job${i % 50}` },
  inputs: [{ namespace: 'warehouse', name: `t${i % 1000}` }, { namespace: 'lake', name: `raw/${i % 300}` }],
  outputs: [{ namespace: 'warehouse', name: `t${(i * 7) % 1000}` }],
}));
started = performance.now();
for (let i = 0; i < events.length; i += 100) await ingest.ingest(events.slice(i, i + 100));
const ingestSeconds = (performance.now() - started) / 1000;

console.log(`## Lineage, ${datasetCount.toLocaleString('en')} datasets and ${edges.toLocaleString('en')} edges in ${regions.length} regions (${values.shape} graph)

Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, one core. Graph built into the catalogue index in ${(buildMs / 1000).toFixed(1)} s; RSS ${rssMb()} MB.

| traversal | traversal p50 / p99 ms | full answer p50 / p99 ms | mean nodes | mean edges |
| --- | ---: | ---: | ---: | ---: |
${rows.join('\n')}

OpenLineage ingestion at one region: ${eventCount.toLocaleString('en')} COMPLETE events in batches of 100, validated against the spec: ${(ingestSeconds).toFixed(2)} s, **${Math.round(eventCount / ingestSeconds).toLocaleString('en')} events/s**.
`);
