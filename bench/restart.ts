/**
 * Restart to ready: how long a catalogue replica takes from a cold start to
 * serving the whole catalogue, from its index snapshot plus the changes
 * stored after it (`WHARF_CATALOGUE_SNAPSHOT_DIR`), against rebuilding the
 * index from PostgreSQL (a durable replica without snapshots, measured in
 * process) and against harvesting every region again (a catalogue without
 * a database, as every restart did before).
 *
 *   npm run bench -- restart --count 100000 [--runs 2] [--changes 1000] [--skip-harvest] [--keep [--snapshot-dir DIR]]
 *
 * `--changes`: datasets changed (half new revisions, half deleted) in
 * PostgreSQL after the snapshot, which a restart replays.
 *
 * PostgreSQL at BENCH_POSTGRES_URL (default the test database); a schema of
 * its own, dropped afterwards. With `--keep`, the schema
 * (`bench_restart_keep_<count>`) and the snapshot folder (`--snapshot-dir`,
 * default one in the temporary folder) are kept for the next run, which
 * then stores nothing and, when the newest snapshot there was made by this
 * code, rebuilds nothing: it measures only the restarts (a 1M catalogue
 * takes many minutes to store and to rebuild). Each restart runs on a copy
 * of the folder, so what it writes at its shutdown is not the next one's.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { DatasetRecord } from '../schema/datasetRecord.ts';
import { signedRequestHeader, signRegionRequest } from '../schema/signedRequest.ts';
import { createCatalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import { claimLeadership, writePage, writePolicies, writeSnapshot } from '../subgraphs/catalogue/durable/harvestWrites.ts';
import { createIndexSnapshots } from '../subgraphs/catalogue/snapshot/createIndexSnapshots.ts';
import { derivationFingerprint } from '../subgraphs/catalogue/snapshot/derivationFingerprint.ts';
import { listSnapshots, readSnapshotHeader, snapshotFormatVersion } from '../subgraphs/catalogue/snapshot/snapshotFile.ts';
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
  options: {
    count: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '2' },
    changes: { type: 'string', default: '1000' },
    'skip-harvest': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'snapshot-dir': { type: 'string' },
  },
});
const count = Number(values.count);
const keep = values.keep;
const runs = Number(values.runs);
const changes = Number(values.changes);
const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const wharfBin = fileURLToPath(new URL('../bin/wharf.mjs', import.meta.url));
const open = { 'open.cedar': '@id("open") @reason("Benchmark: everything is open.") permit (principal, action, resource);' };
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const load = () => loadavg().map((value) => value.toFixed(2)).join(' / ');
/** CPU time (user + system, all threads) a process has used, from /proc (Linux, 100 ticks a second); NaN where it cannot be read. */
const cpuMsOf = (pid: number) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;

const byRegion = new Map<string, DatasetRecord[]>();
for (const record of iterateDatasets(count, 1)) {
  let list = byRegion.get(record.region);
  if (!list) byRegion.set(record.region, (list = []));
  list.push(record);
}
const loadBefore = load();

// The stored catalogue, as a leader would have left it (or left by the last run, with --keep).
const schema = keep ? `bench_restart_keep_${count}` : `bench_restart_${randomBytes(4).toString('hex')}`;
const database = await openCatalogueDatabase({ url: postgresUrl, schema });
let started = performance.now();
const epoch = await claimLeadership(database, 'bench');
const storedBefore = Number((await database.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${database.table('datasets')}`)).rows[0]!.n);
const kept = keep && storedBefore >= count;
const regionEntry = (region: string) => ({ code: region, name: region, url: 'http://127.0.0.1:1/graphql' });
if (!kept) {
  for (const [region, records] of byRegion) {
    await writePolicies(database, epoch, regionEntry(region), compileRegionPolicies(region, open));
    await writeSnapshot(database, epoch, regionEntry(region), [], records, 'bench', new Date());
  }
}
const writeMs = performance.now() - started;
const size = (await database.pool.query<{ bytes: string }>(`SELECT pg_total_relation_size('"${schema}".datasets') AS bytes`)).rows[0]!.bytes;
const headOf = async () => Number((await database.pool.query<{ head: string }>(`SELECT head FROM ${database.table('catalogue_state')}`)).rows[0]!.head);

/** The datasets changed after the snapshot: per region, the first ones; half get a new revision, half are deleted. */
const changedByRegion = new Map([...byRegion].map(([region, records]) => [region, records.slice(0, Math.ceil(changes / byRegion.size))]));
const changedRecords = [...changedByRegion.values()].flat();

// A snapshot this code made of the kept catalogue, with the changes after it already stored, is used as it is.
const snapshotFolder = values['snapshot-dir'] ?? (keep ? join(tmpdir(), `wharf-bench-restart-keep-${count}`) : await mkdtemp(join(tmpdir(), 'wharf-bench-snapshots-')));
await mkdir(snapshotFolder, { recursive: true });
const [newest] = await listSnapshots(snapshotFolder);
const newestHeader = newest ? await readSnapshotHeader(newest.path).catch(() => undefined) : undefined;
const reusable = kept && newestHeader?.format === snapshotFormatVersion && newestHeader.fingerprint === derivationFingerprint() && newestHeader.catalogue === schema && (await headOf()) > newestHeader.seq;

let readMs = Number.NaN;
let read = 0;
let applyMs = Number.NaN;
let applied = 0;
let written: { encodeMs: number; writeMs: number; bytes: number };
if (reusable) {
  written = { encodeMs: Number.NaN, writeMs: Number.NaN, bytes: (await stat(newest!.path)).size };
} else {
  if (kept) {
    // The datasets the last run changed, as they were stored first: this run changes them again after its snapshot.
    for (const [region, records] of changedByRegion) await writePage(database, epoch, regionEntry(region), records, [], 'bench');
  }
  // Reading alone: every stored change, parsed, applied to nothing.
  started = performance.now();
  await readChanges(database, 0, { policies: () => undefined, harvests: () => undefined, datasets: (batch) => void (read += batch.length) });
  readMs = performance.now() - started;

  // Read and applied, in this process: the index built from the stream.
  started = performance.now();
  const replica = await createCatalogue({ regions: [], harvestIntervalMs: 0, durable: { database, name: 'bench-replica', electionIntervalMs: 3_600_000, log: () => undefined } });
  await replica.start();
  await replica.replication!.caughtUp();
  applyMs = performance.now() - started;
  applied = replica.index.size();

  // The snapshot that replica would write (it writes one after a rebuild; here, written directly to time it).
  for (const name of await readdir(snapshotFolder)) await rm(join(snapshotFolder, name), { force: true });
  written = await createIndexSnapshots({ folder: snapshotFolder, catalogue: schema }).write(replica.index, replica.replication!.status().applied);
  await replica[Symbol.asyncDispose]();
  await settle();

  // Changes stored after the snapshot, which a restart replays: new revisions of some datasets, deletions of others.
  const suffix = randomBytes(3).toString('hex');
  for (const [region, some] of changedByRegion) {
    const half = Math.ceil(some.length / 2);
    await writePage(database, epoch, regionEntry(region), some.slice(0, half).map((record) => ({ ...record, revision: `${record.revision}-changed-${suffix}` })), some.slice(half).map((record) => record.id), 'bench-changed');
  }
}

// A real restart: a `wharf catalogue` process from spawn to `/ready` 200.
const keys = await mkdtemp(join(tmpdir(), 'wharf-bench-keys-'));
const pair = generateKeyPairSync('ed25519');
await writeFile(join(keys, 'catalogue.pem'), pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
await writeFile(join(keys, 'gateway.pub.pem'), pair.publicKey.export({ type: 'spki', format: 'pem' }));
const restarts: { listenMs: number; readyMs: number; rssMb: number; loadedMs: number; readMs: number; decodeMs: number; verifyWaitMs: number; cpuMs: number; replayMs: number; stopMs: number; stopSnapshot: boolean }[] = [];
for (let run = 0; run < runs; run += 1) {
  const port = await freeLoopbackPort();
  const runFolder = await mkdtemp(join(tmpdir(), 'wharf-bench-restart-run-'));
  await cp(snapshotFolder, runFolder, { recursive: true });
  const namesBefore = new Set(await readdir(runFolder));
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [wharfBin, 'catalogue', '--harvest-key', join(keys, 'catalogue.pem'), '--gateway-key', join(keys, 'gateway.pub.pem'), '--port', String(port)], {
    // A long interval: the replica restarted here writes no snapshot of its own while measured.
    env: { ...process.env, WHARF_CATALOGUE_DATABASE_URL: postgresUrl, WHARF_CATALOGUE_DATABASE_SCHEMA: schema, WHARF_CATALOGUE_SNAPSHOT_DIR: runFolder, WHARF_CATALOGUE_SNAPSHOT_INTERVAL_MS: '3600000', WHARF_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let listenMs = Number.NaN;
  let loaded: { atMs: number; readMs: number; decodeMs: number; verifyWaitMs: number } | undefined;
  child.stdout!.on('data', (chunk: Buffer) => {
    if (Number.isNaN(listenMs) && chunk.toString().includes('Wharf catalogue at')) listenMs = performance.now() - spawnedAt;
  });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.includes('index loaded from snapshot')) {
        const entry = JSON.parse(line) as { readMs: number; decodeMs: number; verifyWaitMs?: number };
        loaded = { atMs: performance.now() - spawnedAt, readMs: entry.readMs, decodeMs: entry.decodeMs, verifyWaitMs: entry.verifyWaitMs ?? Number.NaN };
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
  const rssMb = rssMbOf(child.pid!);
  const cpuMs = cpuMsOf(child.pid!);
  // A clean stop: the replica may write a snapshot of what it replayed on its way out.
  const stoppingAt = performance.now();
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  const stopMs = performance.now() - stoppingAt;
  const stopSnapshot = (await readdir(runFolder)).some((name) => !namesBefore.has(name) && name.endsWith('.wharfidx'));
  await rm(runFolder, { recursive: true, force: true });
  restarts.push({ listenMs, readyMs, rssMb, loadedMs: loaded.atMs, readMs: loaded.readMs, decodeMs: loaded.decodeMs, verifyWaitMs: loaded.verifyWaitMs, cpuMs, replayMs: readyMs - loaded.atMs, stopMs, stopSnapshot });
}
await rm(keys, { recursive: true, force: true });
if (!keep) {
  await rm(snapshotFolder, { recursive: true, force: true });
  await database.pool.query(`DROP SCHEMA "${schema}" CASCADE`);
}
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
| stored by a leader (${regionCount} snapshot transactions) | ${kept ? `kept from the last run (${schema})` : seconds(writeMs)} (datasets table ${Math.round(Number(size) / 1048576)} MB with indexes) |
${
  reusable
    ? `| index snapshot | kept from the last run (${mb(written.bytes)}) |`
    : `| read back alone (server-side cursor, batches of 2,000, parsed) | ${seconds(readMs)} (${read.toLocaleString('en')} rows) |
| rebuilt from PostgreSQL: read and applied to a new index, in process | ${seconds(applyMs)} (${applied.toLocaleString('en')} datasets) |
| index snapshot written (encoded, then written and flushed) | ${seconds(written.encodeMs + written.writeMs)} (${seconds(written.encodeMs)} + ${seconds(written.writeMs)}; ${mb(written.bytes)}) |`
}
| changes stored after the snapshot | ${changedRecords.length.toLocaleString('en')} datasets (half new revisions, half deleted) |
${restarts
  .map(
    (restart, i) =>
      `| \`wharf catalogue\` process with the snapshot, spawn to \`/ready\` 200, run ${i + 1} | **${seconds(restart.readyMs)}** (listening after ${seconds(restart.listenMs)}; snapshot read ${seconds(restart.readMs)}${Number.isNaN(restart.verifyWaitMs) ? ' (and checked)' : ` after the replica asked (read ahead, checked on another thread)`}, decoded ${seconds(restart.decodeMs)}${Number.isNaN(restart.verifyWaitMs) ? '' : `, then waited ${seconds(restart.verifyWaitMs)} for the checksum`}, loaded at ${seconds(restart.loadedMs)}; changes replayed and ready ${seconds(restart.replayMs)} later; CPU time at ready ${seconds(restart.cpuMs)}; RSS at ready ${restart.rssMb} MB; SIGTERM to exit ${seconds(restart.stopMs)}, ${restart.stopSnapshot ? 'a snapshot written' : 'no snapshot written'}) |`,
  )
  .join('\n')}
${values['skip-harvest'] ? '' : `| before: harvesting every region again into an empty index, in process | ${seconds(harvestMs)} (${harvested.toLocaleString('en')} datasets) |\n`}
${
  reusable
    ? `Restart from the snapshot, median of runs: ${seconds(median(restarts.map((restart) => restart.readyMs)))}.`
    : `Restart from the snapshot (median of runs, spawn to ready) vs rebuilding from PostgreSQL in process: ${(applyMs / median(restarts.map((restart) => restart.readyMs))).toFixed(1)}× (${seconds(applyMs)} / ${seconds(median(restarts.map((restart) => restart.readyMs)))}).`
}
`);
