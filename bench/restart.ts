/**
 * Restart to ready: how long a catalogue replica takes from a cold start to
 * serving the whole catalogue, from its index snapshot plus the changes
 * stored after it (`WHARF_CATALOGUE_SNAPSHOT_DIR`), against rebuilding the
 * index from PostgreSQL (a durable replica without snapshots, measured in
 * process) and against harvesting every region again (a catalogue without
 * a database, as every restart did before).
 *
 *   npm run bench -- restart --count 100000 [--runs 2] [--changes 1000] [--skip-harvest]
 *
 * `--changes`: datasets changed (half new revisions, half deleted) in
 * PostgreSQL after the snapshot, which a restart replays.
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
import { claimLeadership, writePage, writePolicies, writeSnapshot } from '../subgraphs/catalogue/durable/harvestWrites.ts';
import { createIndexSnapshots } from '../subgraphs/catalogue/snapshot/createIndexSnapshots.ts';
import { openCatalogueDatabase } from '../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { readChanges } from '../subgraphs/catalogue/durable/readChanges.ts';
import { serveRegion, type RegionServer } from '../subgraphs/region/serveRegion.ts';
import { createMemoryStore } from '../subgraphs/region/store/createMemoryStore.ts';
import { compileRegionPolicies } from '../subgraphs/shared/access/loadRegionPolicies.ts';
import { freeLoopbackPort } from '../subgraphs/shared/listen.ts';
import { iterateDatasets } from './generateDatasets.ts';
import { rssMbOf, settle } from './measure.ts';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { count: { type: 'string', default: '100000' }, runs: { type: 'string', default: '2' }, changes: { type: 'string', default: '1000' }, 'skip-harvest': { type: 'boolean', default: false } },
});
const count = Number(values.count);
const runs = Number(values.runs);
const changes = Number(values.changes);
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const wharfBin = fileURLToPath(new URL('../bin/wharf.mjs', import.meta.url));
const open = { 'open.cedar': '@id("open") @reason("Benchmark: everything is open.") permit (principal, action, resource);' };
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () => loadavg().map((value) => value.toFixed(2)).join(' / ');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

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

// The snapshot that replica would write (it writes one after a rebuild; here, written directly to time it).
const snapshotFolder = await mkdtemp(join(tmpdir(), 'wharf-bench-snapshots-'));
const written = await createIndexSnapshots({ folder: snapshotFolder, catalogue: schema }).write(replica.index, replica.replication!.status().applied);
await replica[Symbol.asyncDispose]();
await settle();

// Changes stored after the snapshot, which a restart replays: new revisions of some datasets, deletions of others.
const changedRecords = [...byRegion.values()].flatMap((records) => records.slice(0, Math.ceil(changes / byRegion.size)));
for (const [region, records] of byRegion) {
  const some = records.slice(0, Math.ceil(changes / byRegion.size));
  const half = Math.ceil(some.length / 2);
  const entry = { code: region, name: region, url: 'http://127.0.0.1:1/graphql' };
  await writePage(database, epoch, entry, some.slice(0, half).map((record) => ({ ...record, revision: `${record.revision}-changed` })), some.slice(half).map((record) => record.id), 'bench-changed');
}

// A real restart: a `wharf catalogue` process from spawn to `/ready` 200.
const keys = await mkdtemp(join(tmpdir(), 'wharf-bench-keys-'));
const pair = generateKeyPairSync('ed25519');
await writeFile(join(keys, 'catalogue.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
await writeFile(join(keys, 'gateway.pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
const restarts: { listenMs: number; readyMs: number; rssMb: number; loadedMs: number; readMs: number; decodeMs: number; replayMs: number }[] = [];
for (let run = 0; run < runs; run += 1) {
  const port = await freeLoopbackPort();
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [wharfBin, 'catalogue', '--harvest-key', join(keys, 'catalogue.pem'), '--gateway-key', join(keys, 'gateway.pub.pem'), '--port', String(port)], {
    // A long interval: the replica restarted here writes no snapshot of its own while measured.
    env: { ...process.env, WHARF_CATALOGUE_DATABASE_URL: postgresUrl, WHARF_CATALOGUE_DATABASE_SCHEMA: schema, WHARF_CATALOGUE_SNAPSHOT_DIR: snapshotFolder, WHARF_CATALOGUE_SNAPSHOT_INTERVAL_MS: '3600000', WHARF_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let listenMs = Number.NaN;
  let loaded: { atMs: number; readMs: number; decodeMs: number } | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    if (Number.isNaN(listenMs) && chunk.toString().includes('Wharf catalogue at')) listenMs = performance.now() - spawnedAt;
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.includes('index loaded from snapshot')) {
        const entry = JSON.parse(line) as { readMs: number; decodeMs: number };
        loaded = { atMs: performance.now() - spawnedAt, readMs: entry.readMs, decodeMs: entry.decodeMs };
      } else if (line.includes('index snapshot')) errors += `${line}\n`;
    }
  });
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${port}/ready`).then((response) => response.status, () => 0);
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const readyMs = performance.now() - spawnedAt;
  if (!loaded) throw new Error(`The restarted replica did not load the snapshot:\n${errors}`);
  restarts.push({ listenMs, readyMs, rssMb: rssMbOf(child.pid!), loadedMs: loaded.atMs, readMs: loaded.readMs, decodeMs: loaded.decodeMs, replayMs: readyMs - loaded.atMs });
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}
await rm(keys, { recursive: true, force: true });
await rm(snapshotFolder, { recursive: true, force: true });
await database.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
await database[Symbol.asyncDispose]();
await settle();

// Before: no database, so a restart harvests every region again (regions in this process, over loopback).
const gatewayKeys = generateKeyPairSync('ed25519');
const servers: RegionServer[] = [];
const regionCount = byRegion.size;
if (values['skip-harvest']) byRegion.clear();
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
if (!values['skip-harvest']) await embedded.harvester.harvestAll();
const harvestMs = performance.now() - started;
const harvested = embedded.index.size();
await embedded[Symbol.asyncDispose]();
for (const server of servers) await server[Symbol.asyncDispose]();

const mb = (bytes: number) => `${Math.round(bytes / 1048576).toLocaleString('en')} MB`;
console.log(`## Restart to ready, ${count.toLocaleString('en')} datasets (\`npm run bench -- restart --count ${count}\`)

Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}; PostgreSQL on the same machine; load average (1 / 5 / 15 min) ${loadBefore} before, ${load()} after.

| | time |
| --- | ---: |
| stored by a leader (${regionCount} snapshot transactions) | ${seconds(writeMs)} (datasets table ${Math.round(Number(size) / 1048576)} MB with indexes) |
| read back alone (server-side cursor, batches of 2,000, parsed) | ${seconds(readMs)} (${read.toLocaleString('en')} rows) |
| rebuilt from PostgreSQL: read and applied to a new index, in process | ${seconds(applyMs)} (${applied.toLocaleString('en')} datasets) |
| index snapshot written (encoded, then written and flushed) | ${seconds(written.encodeMs + written.writeMs)} (${seconds(written.encodeMs)} + ${seconds(written.writeMs)}; ${mb(written.bytes)}) |
| changes stored after the snapshot | ${changedRecords.length.toLocaleString('en')} datasets (half new revisions, half deleted) |
${restarts
  .map(
    (restart, i) =>
      `| \`wharf catalogue\` process with the snapshot, spawn to \`/ready\` 200, run ${i + 1} | **${seconds(restart.readyMs)}** (listening after ${seconds(restart.listenMs)}; snapshot read and checked ${seconds(restart.readMs)}, decoded ${seconds(restart.decodeMs)}, loaded at ${seconds(restart.loadedMs)}; changes replayed and ready ${seconds(restart.replayMs)} later; RSS at ready ${restart.rssMb} MB) |`,
  )
  .join('\n')}
${values['skip-harvest'] ? '' : `| before: harvesting every region again into an empty index, in process | ${seconds(harvestMs)} (${harvested.toLocaleString('en')} datasets) |\n`}
Restart from the snapshot (median of runs, spawn to ready) vs rebuilding from PostgreSQL in process: ${(applyMs / median(restarts.map((restart) => restart.readyMs))).toFixed(1)}× (${seconds(applyMs)} / ${seconds(median(restarts.map((restart) => restart.readyMs)))}).
`);
