/**
 * Harvest throughput: regions serving their change feeds over loopback HTTP,
 * the catalogue pulling every one into its index from scratch, then an
 * incremental harvest with nothing changed.
 *
 *   npm run bench -- harvest --count 100000
 */
import { generateKeyPairSync } from 'node:crypto';
import { signedRequestHeader, signRegionRequest } from '../schema/signedRequest.ts';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { DatasetRecord } from '../schema/datasetRecord.ts';
import { createCatalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import { serveRegion, type RegionServer } from '../subgraphs/region/serveRegion.ts';
import { createMemoryStore } from '../subgraphs/region/store/createMemoryStore.ts';
import { compileRegionPolicies } from '../subgraphs/shared/access/loadRegionPolicies.ts';
import { iterateDatasets } from './generateDatasets.ts';
import { rssMb, settle } from './measure.ts';

const { values } = parseArgs({ args: process.argv.slice(2), options: { count: { type: 'string', default: '100000' } } });
const count = Number(values.count);

const byRegion = new Map<string, DatasetRecord[]>();
for (const record of iterateDatasets(count, 5)) {
  let list = byRegion.get(record.region);
  if (!list) byRegion.set(record.region, (list = []));
  list.push(record);
}
const servers: RegionServer[] = [];
// Regions serve their change feed only to requests their gateway signs.
const gatewayKeys = generateKeyPairSync('ed25519');
// Open policies: the benchmark measures harvesting, not decisions.
const open = '@id("open") @reason("Benchmark: everything is open.") permit (principal, action, resource);';
for (const [region, records] of byRegion) {
  servers.push(await serveRegion({ store: createMemoryStore(region, records), policies: compileRegionPolicies(region, { 'open.cedar': open }), gatewayPublicKey: gatewayKeys.publicKey }));
}
byRegion.clear();
await settle();

const catalogue = await createCatalogue({
  regions: servers.map((server) => ({ code: server.region, name: server.region, url: server.url })),
  harvestIntervalMs: 0,
  signRequest: (request) => ({ [signedRequestHeader]: signRegionRequest(gatewayKeys.privateKey, request) }),
});
let started = performance.now();
await catalogue.harvester.harvestAll();
const fullMs = performance.now() - started;
const failures = catalogue.harvester.states().filter((state) => state.stale);
started = performance.now();
await catalogue.harvester.harvestAll();
const incrementalMs = performance.now() - started;
await settle();

console.log(`## Harvest, ${count.toLocaleString('en')} datasets from ${servers.length} regions over loopback HTTP

Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; regions and catalogue in one process (the catalogue's worst case: it shares the core).

- full harvest into an empty catalogue: ${(fullMs / 1000).toFixed(1)} s (${Math.round(count / (fullMs / 1000)).toLocaleString('en')} datasets/s), ${catalogue.index.size()} datasets indexed${failures.length ? `, FAILED regions: ${failures.map((state) => state.region.code).join(', ')}` : ''}
- incremental harvest with nothing changed: ${incrementalMs.toFixed(0)} ms
- RSS after: ${rssMb()} MB
`);
await catalogue[Symbol.asyncDispose]();
for (const server of servers) await server[Symbol.asyncDispose]();
