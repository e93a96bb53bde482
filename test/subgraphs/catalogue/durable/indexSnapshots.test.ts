import { mkdtemp, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatasetRecord } from '../../../../schema/datasetRecord.ts';
import { listSnapshots } from '../../../../subgraphs/catalogue/snapshot/snapshotFile.ts';
import { createCatalogueCluster, queryCatalogue, revisionsAt, type CatalogueCluster, type CatalogueProcess } from '../../../support/catalogueProcesses.ts';
import { describeWithServers, postgresServer, postgresUrl } from '../../../support/realServers.ts';
import { dropSchema, startSyntheticRegions, testSchemaName, waitUntil, type SyntheticRegions } from '../../../support/syntheticRegions.ts';

/**
 * Real `wharf catalogue` processes restarting from index snapshots: a
 * restart from a snapshot answers searches exactly as a replica rebuilt
 * from PostgreSQL, replays what changed after it (deletions included), and
 * a damaged or foreign snapshot is logged once and rebuilt from, never
 * served in part.
 */
await describeWithServers([postgresServer], 'durable catalogue: index snapshots', () => {
  const schema = testSchemaName('catalogue_snapshots');
  const datasets = 4_000;
  let regions: SyntheticRegions;
  let cluster: CatalogueCluster;
  let folder: string;
  let leader: CatalogueProcess;
  const deleted = new Set<string>();
  const changed = new Set<string>();

  const searches = [
    { text: 'population', sort: 'RELEVANCE' },
    { text: 'trade statistics', sort: 'RELEVANCE' },
    { text: 'transprt', sort: 'RELEVANCE' },
    { text: 'water quality', sort: 'MODIFIED' },
    { text: '', sort: 'TITLE' },
  ];
  const searchQuery = `query ($text: String!, $sort: SearchSort) {
    search(query: $text, first: 25, sort: $sort) {
      totalCount datasetCount matchedAllWords pageInfo { hasNextPage } facets { field values { value count } }
      edges { score matchedLanguages crossLingual highlights { field lang snippet } node { id revision } }
    }
  }`;
  /** The replica's answers to a fixed set of searches, and its datasets' count. */
  async function answers(replica: CatalogueProcess): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const variables of searches) {
      const answer = await queryCatalogue(replica.origin, searchQuery, variables);
      expect(answer.errors).toBeUndefined();
      out.push(answer.data);
    }
    out.push((await queryCatalogue(replica.origin, '{ regions { code datasetCount } }')).data);
    return out;
  }
  const count = async (replica: CatalogueProcess) => {
    const answer = await queryCatalogue<{ regions: { datasetCount: number }[] }>(replica.origin, '{ regions { datasetCount } }');
    return answer.data!.regions.reduce((sum, region) => sum + region.datasetCount, 0);
  };
  /** Waits for `/ready`, checking on every poll that a ready replica holds every dataset: never half an index. */
  async function readyWithEverything(replica: CatalogueProcess, total: number): Promise<void> {
    await waitUntil(
      async () => {
        const status = (await fetch(`${replica.origin}/ready`).catch(() => undefined))?.status ?? 0;
        if (status === 200) expect(await count(replica), `datasets held by ${replica.name} once ready`).toBe(total);
        return status;
      },
      (status) => status === 200,
      { timeoutMs: 120_000, intervalMs: 20, what: `${replica.name} to be ready` },
    );
  }
  /** Every changed dataset at its last revision, none of the deleted ones. */
  async function expectTruth(replica: CatalogueProcess): Promise<void> {
    const truth = await regions.truth();
    const ids = [...changed, ...deleted];
    const held = await revisionsAt(replica.origin, ids);
    for (const id of ids) expect(held.get(id), id).toBe(truth.get(id) ?? null);
    expect(await count(replica)).toBe(truth.size);
  }
  const newestSnapshot = async () => (await listSnapshots(folder))[0]!;

  const lines = (replica: CatalogueProcess, pattern: RegExp) => replica.output().split('\n').filter((line) => pattern.test(line));
  /** A replica with a snapshot folder, started as an operator would. */
  const startWithSnapshots = (name: string) => cluster.start(name, { WHARF_CATALOGUE_SNAPSHOT_DIR: folder, WHARF_CATALOGUE_SNAPSHOT_INTERVAL_MS: '600000' });
  /** A fresh replica rebuilt from PostgreSQL alone: the answers a snapshot must reproduce. */
  async function rebuiltAnswers(): Promise<unknown[]> {
    const rebuilt = await cluster.start(`rebuilt-${Date.now()}`);
    await readyWithEverything(rebuilt, (await regions.truth()).size);
    const out = await answers(rebuilt);
    await rebuilt.stop();
    return out;
  }

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'wharf-snapshots-'));
    cluster = await createCatalogueCluster({
      WHARF_CATALOGUE_DATABASE_URL: postgresUrl,
      WHARF_CATALOGUE_DATABASE_SCHEMA: schema,
      WHARF_HARVEST_INTERVAL_MS: '300',
      WHARF_RECONCILE_INTERVAL_MS: '600000',
      WHARF_LOG_LEVEL: 'warn',
    });
    regions = await startSyntheticRegions(datasets, { seed: 5, harvesterPublicKey: cluster.harvesterPublicKey });
    await cluster.writeRegions([...regions.regions.values()].map((region) => region.entry));
    leader = await cluster.start('leader');
    await waitUntil(() => count(leader), (total) => total === datasets, { timeoutMs: 120_000, what: 'the leader to harvest every region' });
  }, 180_000);
  afterAll(async () => {
    await cluster?.[Symbol.asyncDispose]();
    await regions?.[Symbol.asyncDispose]();
    await dropSchema(schema);
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('restarts from its snapshot with the answers of a rebuild, replaying changes and deletions made after it', async () => {
    const first = await startWithSnapshots('follower');
    await readyWithEverything(first, datasets);
    // Rebuilt from PostgreSQL, it writes a snapshot so that its next start need not.
    await waitUntil(() => lines(first, /index snapshot written/).length, (written) => written === 1, { timeoutMs: 120_000, what: 'the first snapshot' });
    await first.stop();
    // The newest it left: the one written after the rebuild, or a newer one written at its stop when it applied more since.
    const snapshot = await newestSnapshot();
    expect(snapshot.seq).toBeGreaterThan(0);

    // Changes while it is away: new revisions and deletions, which it must replay from after the snapshot's sequence number.
    const truth = await regions.truth();
    for (const region of regions.regions.values()) {
      const ids = [...truth.keys()].filter((id) => id.startsWith(`${region.code}:`)).slice(0, 30);
      const records = (await region.store.getMany(ids)) as DatasetRecord[];
      for (const record of records.slice(0, 20)) {
        region.store.upsert({ ...record, title: [{ ...record.title[0]!, value: `${record.title[0]!.value} watershed` }], revision: `${record.revision}-v2` });
        changed.add(record.id);
      }
      for (const record of records.slice(20)) {
        region.store.remove(record.id);
        deleted.add(record.id);
      }
    }
    const total = datasets - deleted.size;
    await waitUntil(() => count(leader), (held) => held === total, { timeoutMs: 120_000, what: 'the leader to harvest the changes' });
    await expectTruth(leader);

    const restarted = await startWithSnapshots('follower');
    await readyWithEverything(restarted, total);
    const loaded = lines(restarted, /index loaded from snapshot/);
    expect(loaded).toHaveLength(1);
    expect(JSON.parse(loaded[0]!)).toMatchObject({ seq: snapshot.seq, datasets });
    await expectTruth(restarted);
    // A word only the changed titles have: found through the snapshot's dictionary and the replayed postings alike.
    const watershed = await queryCatalogue<{ search: { totalCount: number } }>(restarted.origin, '{ search(query: "watershed", first: 1) { totalCount } }');
    expect(watershed.data!.search.totalCount).toBe(changed.size);
    const fromSnapshot = await answers(restarted);
    expect(fromSnapshot).toEqual(await rebuiltAnswers());
    // Stopped cleanly with changes replayed since its snapshot: it writes a newer one on its way out, which the next start loads.
    await restarted.stop();
    expect(lines(restarted, /index snapshot written/), restarted.output()).toHaveLength(1);
    const atShutdown = await newestSnapshot();
    expect(atShutdown.seq).toBeGreaterThan(snapshot.seq);
    const again = await startWithSnapshots('follower');
    await readyWithEverything(again, total);
    expect(JSON.parse(lines(again, /index loaded from snapshot/)[0]!)).toMatchObject({ seq: atShutdown.seq, datasets: total });
    await expectTruth(again);
    await again.stop();
  }, 600_000);

  it('detects a truncated and a corrupted snapshot by its checksum, logs it once and serves the whole index rebuilt from PostgreSQL', async () => {
    const total = (await regions.truth()).size;
    const expected = await rebuiltAnswers();
    for (const damage of ['truncated', 'corrupted'] as const) {
      // A good snapshot first, of the index as it is now.
      const writer = await startWithSnapshots(`writer-${damage}`);
      await readyWithEverything(writer, total);
      await waitUntil(() => lines(writer, /index (snapshot written|loaded from snapshot)/).length, (seen) => seen > 0, { timeoutMs: 120_000, what: 'a snapshot to be in place' });
      await writer.stop();
      const victim = await newestSnapshot();
      expect(victim, writer.output()).toBeDefined();
      const { size } = await stat(victim.path);
      if (damage === 'truncated') await truncate(victim.path, Math.floor(size * 0.6));
      else {
        const file = await open(victim.path, 'r+');
        const at = Math.floor(size / 2);
        const byte = Buffer.alloc(1);
        await file.read(byte, 0, 1, at);
        byte[0] = byte[0]! ^ 0xff;
        await file.write(byte, 0, 1, at);
        await file.close();
      }
      const replica = await startWithSnapshots(`after-${damage}`);
      await readyWithEverything(replica, total);
      const damaged = lines(replica, /index snapshot is damaged/);
      expect(damaged, replica.output()).toHaveLength(1);
      expect(damaged[0]).toContain(damage === 'truncated' ? 'truncated' : 'checksum does not match');
      expect(JSON.parse(damaged[0]!)).toMatchObject({ level: 'warn', path: victim.path });
      expect(lines(replica, /index loaded from snapshot/)).toHaveLength(0);
      expect(await answers(replica)).toEqual(expected);
      await expectTruth(replica);
      await replica.stop();
    }
  }, 600_000);

  it('ignores a snapshot of another format or made by code that indexes differently', async () => {
    const total = (await regions.truth()).size;
    for (const [what, from, to] of [
      ['format', /"format":2,/, '"format":9,'],
      ['fingerprint', /"fingerprint":"[0-9a-f]{32}"/, `"fingerprint":"${'0'.repeat(32)}"`],
    ] as const) {
      const writer = await startWithSnapshots(`writer-${what}`);
      await readyWithEverything(writer, total);
      await waitUntil(() => lines(writer, /index (snapshot written|loaded from snapshot)/).length, (seen) => seen > 0, { timeoutMs: 120_000, what: 'a snapshot to be in place' });
      await writer.stop();
      const victim = await newestSnapshot();
      const bytes = await readFile(victim.path);
      const head = bytes.subarray(0, 1024).toString('latin1');
      expect(head).toMatch(from);
      // Same length, so the rest of the file (and its checksum) stays as it was: only the header's claim changes.
      await writeFile(victim.path, Buffer.concat([Buffer.from(head.replace(from, to), 'latin1'), bytes.subarray(1024)]));
      const replica = await startWithSnapshots(`after-${what}`);
      await readyWithEverything(replica, total);
      const ignored = lines(replica, /index snapshot not used/);
      expect(ignored, replica.output()).toHaveLength(1);
      expect(ignored[0]).toContain(what === 'format' ? 'format 9' : 'indexes differently');
      expect(lines(replica, /index loaded from snapshot/)).toHaveLength(0);
      await expectTruth(replica);
      await replica.stop();
    }
  }, 600_000);
});
