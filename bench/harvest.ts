/**
 * Harvest throughput: regions serving their change feeds over loopback HTTP,
 * the catalogue pulling every one into its index from scratch, then an
 * incremental harvest with nothing changed. With `--durable`, the catalogue
 * is a durable replica that leads: every change is written to PostgreSQL
 * (`BENCH_POSTGRES_URL`, default the test database; a schema of its own,
 * dropped afterwards) and applied to the index from there.
 *
 *   npm run bench -- harvest --count 100000 [--durable]
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { signedRequestHeader, signRegionRequest } from '../schema/signedRequest.ts';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { DatasetRecord } from '../schema/datasetRecord.ts';
import { createCatalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import { openCatalogueDatabase, type CatalogueDatabase } from '../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { serveRegion, type RegionServer } from '../subgraphs/region/serveRegion.ts';
import { createMemoryStore } from '../subgraphs/region/store/createMemoryStore.ts';
import { compileRegionPolicies } from '../subgraphs/shared/access/loadRegionPolicies.ts';
import { iterateDatasets } from './generateDatasets.ts';
import { rssMb, settle } from './measure.ts';

const { values } = parseArgs({ args: process.argv.slice(2), options: { count: { type: 'string', default: '100000' }, durable: { type: 'boolean', default: false } } });
const count = Number(values.count);
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

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

const schema = `bench_harvest_${randomBytes(4).toString('hex')}`;
const database: CatalogueDatabase | undefined = values.durable ? await openCatalogueDatabase({ url: postgresUrl, schema }) : undefined;
const catalogue = await createCatalogue({
  regions: servers.map((server) => ({ code: server.region, name: server.region, url: server.url })),
  harvestIntervalMs: 0,
  signRequest: (request) => ({ [signedRequestHeader]: signRegionRequest(gatewayKeys.privateKey, request) }),
  ...(database ? { durable: { database, electionIntervalMs: 50, log: () => undefined } } : {}),
});
let started = performance.now();
const cpuBefore = process.cpuUsage();
if (database) {
  // Elected at once (the only replica), it harvests every region as it takes over.
  await catalogue.start();
  while (catalogue.replication!.status().role !== 'leader') await new Promise((resolve) => setTimeout(resolve, 10));
}
await catalogue.harvester.harvestAll();
const fullMs = performance.now() - started;
const fullCpu = process.cpuUsage(cpuBefore);
const indexed = catalogue.index.size();
const failures = catalogue.harvester.states().filter((state) => state.stale);
started = performance.now();
await catalogue.harvester.harvestAll();
const incrementalMs = performance.now() - started;
await settle();
const stored = database
  ? (await database.pool.query<{ rows: string; bytes: string }>(`SELECT count(*) AS rows, pg_total_relation_size('"${schema}".datasets') AS bytes FROM "${schema}".datasets WHERE record IS NOT NULL`)).rows[0]!
  : undefined;

console.log(`## Harvest, ${count.toLocaleString('en')} datasets from ${servers.length} regions over loopback HTTP${database ? ', durable (PostgreSQL)' : ''}

Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; regions and catalogue in one process (the catalogue's worst case: it shares the core)${database ? '; PostgreSQL on the same machine' : ''}.

- full harvest into an empty catalogue: ${(fullMs / 1000).toFixed(1)} s (${Math.round(count / (fullMs / 1000)).toLocaleString('en')} datasets/s), ${indexed} datasets indexed${indexed < count ? ' (INCOMPLETE: a write or a region failed)' : ''}${failures.length ? `, FAILED regions: ${failures.map((state) => `${state.region.code} (${state.lastError})`).join(', ')}` : ''}${stored ? `; ${Number(stored.rows).toLocaleString('en')} rows stored, ${Math.round(Number(stored.bytes) / 1048576)} MB with indexes` : ''}
- CPU time of this process (regions and catalogue${database ? '; not PostgreSQL\'s' : ''}) during it: ${((fullCpu.user + fullCpu.system) / 1e6).toFixed(1)} s
- incremental harvest with nothing changed: ${incrementalMs.toFixed(0)} ms
- RSS after: ${rssMb()} MB
`);
await catalogue[Symbol.asyncDispose]();
for (const server of servers) await server[Symbol.asyncDispose]();
if (database) {
  await database.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
  await database[Symbol.asyncDispose]();
}
