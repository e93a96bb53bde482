import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDatasets } from '../../../../bench/generateDatasets.ts';
import { createCatalogueIndex, type CatalogueIndex } from '../../../../subgraphs/catalogue/createCatalogueIndex.ts';
import { createIndexSnapshots } from '../../../../subgraphs/catalogue/snapshot/createIndexSnapshots.ts';
import { writeSnapshotFile } from '../../../../subgraphs/catalogue/snapshot/snapshotFile.ts';
import { decodeStructure, encodeStructure, SnapshotDeadlineError, SnapshotDecodeError } from '../../../../subgraphs/catalogue/snapshot/structureCodec.ts';

const records = generateDatasets(800, 7);
const folders: string[] = [];
const folder = async () => {
  const made = await mkdtemp(join(tmpdir(), 'wharf-snapshot-writes-'));
  folders.push(made);
  return made;
};
afterAll(async () => {
  for (const made of folders) await rm(made, { recursive: true, force: true });
});
const revisions = (index: CatalogueIndex) => records.map((record) => index.revisionOf(record.id) ?? null);

describe('index snapshot writes', () => {
  it('writes the index as it was when captured, however it changed while the copy was written', async () => {
    const index = createCatalogueIndex();
    for (const record of records) index.upsert(record);
    const snapshots = createIndexSnapshots({ folder: await folder(), catalogue: 'writes' });
    const captured = await snapshots.capture(index, 42);
    const before = revisions(index);
    // Replication goes on once the capture resolves: changes, deletions, growth.
    for (const record of records.slice(0, 100)) index.upsert({ ...record, revision: `${record.revision}-later` });
    for (const record of records.slice(100, 200)) index.remove(record.id);
    for (const record of generateDatasets(300, 8)) index.upsert(record);
    const written = await captured.write();
    expect(written.seq).toBe(42);

    const loaded = await snapshots.loadNewest(() => undefined);
    expect(loaded).toMatchObject({ seq: 42, datasets: records.length });
    const copy = createCatalogueIndex();
    copy.restoreState(loaded!.state);
    expect(revisions(copy)).toEqual(before);
    expect(copy.size()).toBe(records.length);
  });

  it('abandons a write past its deadline and leaves nothing in the folder', async () => {
    const where = await folder();
    const body = encodeStructure({ ids: records.map((record) => record.id) }, []);
    await expect(writeSnapshotFile(where, { fingerprint: 'f', catalogue: 'c', seq: 1, datasets: 1 }, body, performance.now() - 1)).rejects.toThrow(SnapshotDeadlineError);
    expect(await readdir(where)).toEqual([]);
  });

  it('refuses counts and scratch larger than the bytes holding them, without trying to allocate them', () => {
    const body = Buffer.concat(encodeStructure({ scratch: new Float64Array(4), list: [{ a: 1 }, { a: 2 }] }, []));
    // Damage a length field into a huge one: the decoder must fail cleanly, not allocate gigabytes.
    for (let at = 0; at + 4 <= body.length; at += 1) {
      const damaged = Buffer.from(body);
      damaged.writeUInt32LE(0xfffffff0, at);
      try {
        decodeStructure(damaged, []);
      } catch (error) {
        expect(error).toBeInstanceOf(SnapshotDecodeError);
      }
    }
  });
});
