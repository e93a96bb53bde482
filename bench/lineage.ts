/**
 * Lineage at scale: traversal of a synthetic graph (default 1M edges over
 * 200k datasets in 8 regions) to depth 10, up and down; and OpenLineage
 * ingestion throughput at one region (validated COMPLETE events, in batches).
 *
 * Traversal is timed three ways over the same roots: `traverseLineage` alone
 * (node numbers, edge slots, partial regions); the answer built from it
 * (every node id, every field of every edge read through its view); and,
 * for the first `--graphql-roots` roots, the whole GraphQL query in-process
 * through the catalogue, as a client selecting every node and edge sees it.
 *
 *   npm run bench -- lineage [--datasets 200000] [--edges 1000000] [--events 10000] [--shape layered|window] [--graphql-roots 50]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { parse } from 'graphql';
import { revisionOf, type DatasetRecord, type LineageEdgeRecord } from '../schema/datasetRecord.ts';
import { createCatalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import type { LineageEdgeView } from '../subgraphs/catalogue/lineageEdgeView.ts';
import { traverseLineage, type LineageDirection } from '../subgraphs/catalogue/lineageQueries.ts';
import { compileRegionPolicies } from '../subgraphs/shared/access/loadRegionPolicies.ts';
import { createLineageIngest } from '../subgraphs/region/lineage/createLineageIngest.ts';
import { mulberry32, percentile, rssMb, settle } from './measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    datasets: { type: 'string', default: '200000' },
    edges: { type: 'string', default: '1000000' },
    events: { type: 'string', default: '10000' },
    roots: { type: 'string', default: '500' },
    'graphql-roots': { type: 'string', default: '50' },
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

const catalogue = await createCatalogue({ regions: [], harvestIntervalMs: 0 });
const index = catalogue.index;
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
// The build's garbage is collected before timing, so no query pays for it.
await settle();
const builtRssMb = rssMb();
const loadBefore = loadavg();

let sink = 0;
/** Reads every field of an edge, as GraphQL does when a query selects them all (without GraphQL's own result objects). */
function readEdge(edge: LineageEdgeView): number {
  return (
    Number(edge.upstream !== edge.downstream) + Number(edge.job !== null) + Number(edge.runTime !== null) + edge.columns.length + edge.depth +
    Number(edge.crossBorder) + Number(edge.fromJurisdiction !== null) + Number(edge.toJurisdiction !== null)
  );
}

function measure(direction: LineageDirection, built: boolean) {
  const answer = (root: string) => {
    const result = traverseLineage(index, root, direction, 10, fresh)!;
    if (built) {
      sink += result.nodeIds().length;
      for (const edge of result.edges()) sink += readEdge(edge);
    }
    return result;
  };
  for (const root of roots.slice(0, 50)) answer(root);
  const timings: number[] = [];
  const cpuTimings: number[] = [];
  let nodes = 0;
  let edges = 0;
  for (const root of roots) {
    const t = performance.now();
    const cpu = process.cpuUsage();
    const result = answer(root);
    const cpuUsed = process.cpuUsage(cpu);
    timings.push(performance.now() - t);
    cpuTimings.push((cpuUsed.user + cpuUsed.system) / 1000);
    nodes += result.nodeCount;
    edges += result.edgeCount;
  }
  return {
    figures: `${percentile(timings, 50).toFixed(2)} / ${percentile(timings, 99).toFixed(2)} (${percentile(cpuTimings, 99).toFixed(2)})`,
    nodes: Math.round(nodes / roots.length),
    edges: Math.round(edges / roots.length),
  };
}

const graphqlRoots = roots.slice(0, Number(values['graphql-roots']));
const lineageQuery = parse(`query ($id: ID!, $direction: LineageDirection) { lineage(id: $id, direction: $direction, depth: 10) {
  isPartial nodes { id } edges { upstream downstream job runTime depth crossBorder fromJurisdiction toJurisdiction } } }`);
for (const region of regions) {
  catalogue.discovery.setPolicies(compileRegionPolicies(region, { 'discover.cedar': '@id("everyone") @reason("bench") permit (principal, action == Wharf::Action::"discover", resource);' }));
}
async function measureGraphql(direction: LineageDirection) {
  if (graphqlRoots.length === 0) return '–';
  const timings: number[] = [];
  for (const root of [graphqlRoots[0]!, ...graphqlRoots]) {
    const t = performance.now();
    const { data, errors } = await catalogue.execute({ document: lineageQuery, variables: { id: root, direction } });
    timings.push(performance.now() - t);
    if (errors || !(data as { lineage?: unknown }).lineage) throw new Error(`The lineage query for ${root} failed: ${errors?.[0]?.message ?? 'no answer'}`);
  }
  timings.shift();
  return `${percentile(timings, 50).toFixed(0)} / ${percentile(timings, 99).toFixed(0)}`;
}

const directions = ['UPSTREAM', 'DOWNSTREAM'] as const;
const traversals = directions.map((direction) => ({ traversal: measure(direction, false), built: measure(direction, true) }));
// GraphQL last: its garbage is many times the traversals', and would otherwise be collected while they are timed.
const graphql: string[] = [];
for (const direction of directions) graphql.push(await measureGraphql(direction));
const rows = directions.map((direction, i) => {
  const { traversal, built } = traversals[i]!;
  return `| ${direction.toLowerCase()} to depth 10 | ${traversal.figures} | ${built.figures} | ${graphql[i]} | ${traversal.nodes} | ${traversal.edges} |`;
});
await catalogue[Symbol.asyncDispose]();
// Kept where the optimiser cannot drop the reads that fed it.
(globalThis as { lineageBenchSink?: number }).lineageBenchSink = sink;

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
const benchProducer = { name: 'bench', namespaces: new Set(['warehouse']) };
for (let i = 0; i < events.length; i += 100) await ingest.ingest(events.slice(i, i + 100), benchProducer);
const ingestSeconds = (performance.now() - started) / 1000;

const formatLoad = (load: number[]) => load.map((value) => value.toFixed(2)).join(' ');
console.log(`## Lineage, ${datasetCount.toLocaleString('en')} datasets and ${edges.toLocaleString('en')} edges in ${regions.length} regions (${values.shape} graph)

Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, one core; load average ${formatLoad(loadBefore)} before timing, ${formatLoad(loadavg())} after. Graph built into the catalogue index in ${(buildMs / 1000).toFixed(1)} s; RSS ${builtRssMb} MB.

Times are wall-clock p50 / p99 ms, with the p99 of the process's CPU time (every thread, the collector's included) in brackets: on a shared machine the gap is time spent waiting for a core.

| traversal | traversal alone | answer built | GraphQL query (${graphqlRoots.length} roots) | mean nodes | mean edges |
| --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

OpenLineage ingestion at one region: ${eventCount.toLocaleString('en')} COMPLETE events in batches of 100, validated against the spec: ${(ingestSeconds).toFixed(2)} s, **${Math.round(eventCount / ingestSeconds).toLocaleString('en')} events/s**.
`);
