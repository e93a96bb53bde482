/**
 * Restart to ready: how long a catalogue replica takes from a cold start to
 * serving the whole catalogue, loading it from PostgreSQL (a durable
 * replica), against harvesting every region again (a catalogue without a
 * database, as every restart did before).
 *
 *   npm run bench -- restart --count 100000
 *
 * PostgreSQL at BENCH_POSTGRES_URL (default the test database); a schema of
 * its own, dropped afterwards.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DatasetRecord } from '../schema/datasetRecord.ts';
import { signedRequestHeader, signRegionRequest } from '../schema/signedRequest.ts';
import { createCatalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import { claimLeadership, writePolicies, writeSnapshot } from '../subgraphs/catalogue/durable/harvestWrites.ts';
import { openCatalogueDatabase } from '../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { readChanges } from '../subgraphs/catalogue/durable/readChanges.ts';
import { serveRegion, type RegionServer } from '../subgraphs/region/serveRegion.ts';
import { createMemoryStore } from '../subgraphs/region/store/createMemoryStore.ts';
import { compileRegionPolicies } from '../subgraphs/shared/access/loadRegionPolicies.ts';
import { freeLoopbackPort } from '../subgraphs/shared/listen.ts';
import { iterateDatasets } from './generateDatasets.ts';
import { rssMbOf, settle } from './measure.ts';

const { values } = parseArgs({ args: process.argv.slice(2), options: { count: { type: 'string', default: '100000' }, runs: { type: 'string', default: '2' } } });
const count = Number(values.count);
const runs = Number(values.runs);
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const wharfBin = fileURLToPath(new URL('../bin/wharf.mjs', import.meta.url));
const open = { 'open.cedar': '@id("open") @reason("Benchmark: everything is open.") permit (principal, action, resource);' };
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () => loadavg().map((value) => value.toFixed(2)).join(' / ');

const byRegion = new Map<string, DatasetRecord[]>();
for (const record of iterateDatasets(count, 1)) {
  let list = byRegion.get(record.region);
  if (!list) byRegion.set(record.region, (list = []));
  list.push(record);
}
const loadBefore = load();

// The stored catalogue, as a leader would have left it.
const schema = `bench_restart_${randomBytes(4).toString('hex')}`;
const database = await openCatalogueDatabase({ url: postgresUrl, schema });
let started = performance.now();
const epoch = await claimLeadership(database, 'bench');
for (const [region, records] of byRegion) {
  const entry = { code: region, name: region, url: 'http://127.0.0.1:1/graphql' };
  await writePolicies(database, epoch, entry, compileRegionPolicies(region, open));
  await writeSnapshot(database, epoch, entry, [], records, 'bench', new Date());
}
const writeMs = performance.now() - started;
const size = (await database.pool.query<{ bytes: string }>(`SELECT pg_total_relation_size('"${schema}".datasets') AS bytes`)).rows[0]!.bytes;

// Reading alone: every stored change, parsed, applied to nothing.
started = performance.now();
let read = 0;
await readChanges(database, 0, { policies: () => undefined, harvests: () => undefined, datasets: (batch) => void (read += batch.length) });
const readMs = performance.now() - started;

// Read and applied, in this process: the index built from the stream.
started = performance.now();
const replica = await createCatalogue({ regions: [], harvestIntervalMs: 0, durable: { database, name: 'bench-replica', electionIntervalMs: 3_600_000, log: () => undefined } });
await replica.start();
await replica.replication!.caughtUp();
const applyMs = performance.now() - started;
const applied = replica.index.size();
await replica[Symbol.asyncDispose]();
await settle();

// A real restart: a `wharf catalogue` process from spawn to `/ready` 200.
const keys = await mkdtemp(join(tmpdir(), 'wharf-bench-keys-'));
const pair = generateKeyPairSync('ed25519');
await writeFile(join(keys, 'catalogue.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
await writeFile(join(keys, 'gateway.pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
const restarts: { listenMs: number; readyMs: number; rssMb: number }[] = [];
for (let run = 0; run < runs; run += 1) {
  const port = await freeLoopbackPort();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [wharfBin, 'catalogue', '--harvest-key', join(keys, 'catalogue.pem'), '--gateway-key', join(keys, 'gateway.pub.pem'), '--port', String(port)], {
    env: { ...process.env, WHARF_CATALOGUE_DATABASE_URL: postgresUrl, WHARF_CATALOGUE_DATABASE_SCHEMA: schema, WHARF_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let listenMs = Number.NaN;
  child.stdout!.on('data', (chunk: Buffer) => {
    if (Number.isNaN(listenMs) && chunk.toString().includes('Wharf catalogue at')) listenMs = performance.now() - spawnedAt;
  });
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${port}/ready`).then((response) => response.status, () => 0);
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  restarts.push({ listenMs, readyMs: performance.now() - spawnedAt, rssMb: rssMbOf(child.pid!) });
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}
await rm(keys, { recursive: true, force: true });
await database.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
await database[Symbol.asyncDispose]();
await settle();

// Before: no database, so a restart harvests every region again (regions in this process, over loopback).
const gatewayKeys = generateKeyPairSync('ed25519');
const servers: RegionServer[] = [];
for (const [region, records] of byRegion) {
  servers.push(await serveRegion({ store: createMemoryStore(region, records), policies: compileRegionPolicies(region, open), gatewayPublicKey: gatewayKeys.publicKey }));
}
byRegion.clear();
await settle();
const embedded = await createCatalogue({
  regions: servers.map((server) => ({ code: server.region, name: server.region, url: server.url })),
  harvestIntervalMs: 0,
  signRequest: (request) => ({ [signedRequestHeader]: signRegionRequest(gatewayKeys.privateKey, request) }),
});
started = performance.now();
await embedded.harvester.harvestAll();
const harvestMs = performance.now() - started;
const harvested = embedded.index.size();
await embedded[Symbol.asyncDispose]();
for (const server of servers) await server[Symbol.asyncDispose]();

console.log(`## Restart to ready, ${count.toLocaleString('en')} datasets (\`npm run bench -- restart --count ${count}\`)

Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}; PostgreSQL on the same machine; load average (1 / 5 / 15 min) ${loadBefore} before, ${load()} after.

| | time |
| --- | ---: |
| stored by a leader (${byRegion.size || servers.length} snapshot transactions) | ${seconds(writeMs)} (datasets table ${Math.round(Number(size) / 1048576)} MB with indexes) |
| read back alone (server-side cursor, batches of 2,000, parsed) | ${seconds(readMs)} (${read.toLocaleString('en')} rows) |
| read and applied to a new index, in process | ${seconds(applyMs)} (${applied.toLocaleString('en')} datasets) |
${restarts.map((restart, i) => `| \`wharf catalogue\` process, spawn to \`/ready\` 200, run ${i + 1} | ${seconds(restart.readyMs)} (listening after ${seconds(restart.listenMs)}; RSS at ready ${restart.rssMb} MB) |`).join('\n')}
| before: harvesting every region again into an empty index, in process | ${seconds(harvestMs)} (${harvested.toLocaleString('en')} datasets) |

Restart from PostgreSQL vs harvesting again, in process: ${(harvestMs / applyMs).toFixed(2)}× (${seconds(harvestMs)} / ${seconds(applyMs)}).
`);
