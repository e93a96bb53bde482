import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Change, ChangeFeedPage } from '../../../../schema/changeFeed.ts';
import type { DatasetFile } from '../../../../schema/datasetFile.ts';
import { datasetFileSchema } from '../../../../schema/datasetFile.ts';
import { toDatasetRecord, type DatasetRecord } from '../../../../schema/datasetRecord.ts';
import type { DatasetStore } from '../../../../subgraphs/region/store/DatasetStore.ts';

/** A dataset as the contract writes it: its identifier and its file. */
export interface ContractDataset {
  identifier: string;
  file: DatasetFile;
}

/** One open store and the ways the contract drives it. */
export interface OpenedStore {
  store: DatasetStore;
  /** Writes the datasets (new or changed), as the store's users write them. */
  upsert(datasets: readonly ContractDataset[]): Promise<void>;
  remove(identifiers: readonly string[]): Promise<void>;
  /** Writes `datasets` plus one the store must refuse; must reject, keeping none of them. */
  upsertWithOneRefused(datasets: readonly ContractDataset[]): Promise<void>;
  /** Closes this store and opens it again over the same data (a restart). */
  reopen(): Promise<OpenedStore>;
}

export interface StoreHarness {
  /** Whether a cursor stays valid across a restart (the feed's epoch is kept), or a restart answers a snapshot. */
  cursorsSurviveRestart: boolean;
  /** A new, empty store of `region` in a place of its own. */
  open(region: string): Promise<OpenedStore>;
  /** Removes whatever `open` created (folders, schemas). */
  cleanUp(): Promise<void>;
}

const region = 'MO';
export const contractDataset = (identifier: string, title: string, extra: Record<string, unknown> = {}): ContractDataset => ({
  identifier,
  file: datasetFileSchema.parse({ language: 'en', title: { en: title, pt: `${title} (pt)` }, description: `About ${title}.`, keywords: ['trade'], ...extra }),
});
export const recordOf = (dataset: ContractDataset): DatasetRecord => toDatasetRecord(dataset.file, region, dataset.identifier);
const ops = (page: ChangeFeedPage) => page.changes.map((change: Change) => [change.op, change.id]);

/**
 * The behaviour every DatasetStore must have, whatever keeps its data:
 * vitest cases registered inside the caller's `describe`.
 */
export function datasetStoreContract(harness: StoreHarness): void {
  const a = contractDataset('a', 'Alpha');
  const b = contractDataset('b', 'Bravo', { distributions: [{ format: 'CSV', accessUrl: 'https://example.org/b.csv' }] });
  const c = contractDataset('c', 'Charlie', { lineage: [{ upstream: 'CN-GX:nanning-customs-exports' }] });
  let opened: OpenedStore;

  beforeEach(async () => {
    opened = await harness.open(region);
    await opened.upsert([a, b, c]);
  });
  afterEach(async () => {
    await opened.store[Symbol.asyncDispose]();
    await harness.cleanUp();
  });

  it('answers getMany in the order asked, with undefined for ids it does not hold', async () => {
    expect(await opened.store.getMany(['MO:c', 'MO:nothing', 'MO:a', 'VN:a'])).toEqual([recordOf(c), undefined, recordOf(a), undefined]);
    expect(await opened.store.getMany([])).toEqual([]);
  });

  it('counts live datasets, not tombstones', async () => {
    expect(await opened.store.count()).toBe(3);
    await opened.remove(['b']);
    expect(await opened.store.count()).toBe(2);
    expect(await opened.store.getMany(['MO:b'])).toEqual([undefined]);
  });

  it('pages the feed with tombstones after a cursor, and a snapshot without one', async () => {
    const snapshot = await opened.store.changes(undefined, 10);
    expect(snapshot).toMatchObject({ region, reset: true, hasMore: false });
    expect(snapshot.changes).toEqual([a, b, c].map((dataset) => ({ op: 'upsert', id: `MO:${dataset.identifier}`, revision: recordOf(dataset).revision, dataset: recordOf(dataset) })));

    const editedA = contractDataset('a', 'Alpha, revised');
    await opened.remove(['b']);
    await opened.upsert([editedA, contractDataset('d', 'Delta')]);
    const page1 = await opened.store.changes(snapshot.cursor, 1);
    expect(page1).toMatchObject({ reset: false, hasMore: true });
    const page2 = await opened.store.changes(page1.cursor, 1);
    const page3 = await opened.store.changes(page2.cursor, 1);
    expect([...ops(page1), ...ops(page2), ...ops(page3)]).toEqual([
      ['delete', 'MO:b'],
      ['upsert', 'MO:a'],
      ['upsert', 'MO:d'],
    ]);
    expect(page2.changes[0]).toEqual({ op: 'upsert', id: 'MO:a', revision: recordOf(editedA).revision, dataset: recordOf(editedA) });
    expect(page3.hasMore).toBe(false);
    expect(await opened.store.changes(page3.cursor, 10)).toEqual({ region, cursor: page3.cursor, reset: false, hasMore: false, changes: [] });

    // A snapshot leaves tombstones out: it is everything live, in feed order.
    expect(ops(await opened.store.changes(undefined, 10))).toEqual([['upsert', 'MO:c'], ['upsert', 'MO:a'], ['upsert', 'MO:d']]);
  });

  it('sends a dataset changed twice once, at its newest revision', async () => {
    const { cursor } = await opened.store.changes(undefined, 10);
    await opened.upsert([contractDataset('c', 'Charlie 2')]);
    await opened.upsert([contractDataset('c', 'Charlie 3')]);
    const page = await opened.store.changes(cursor, 10);
    expect(ops(page)).toEqual([['upsert', 'MO:c']]);
    expect(page.changes[0]).toMatchObject({ dataset: { title: [{ lang: 'en', value: 'Charlie 3' }, { lang: 'pt', value: 'Charlie 3 (pt)' }] } });
  });

  it(`${harness.cursorsSurviveRestart ? 'continues from' : 'answers a snapshot for'} a cursor taken before a restart`, async () => {
    const { cursor } = await opened.store.changes(undefined, 10);
    opened = await opened.reopen();
    expect(await opened.store.count()).toBe(3);
    const after = await opened.store.changes(cursor, 10);
    if (harness.cursorsSurviveRestart) {
      expect(after).toEqual({ region, cursor, reset: false, hasMore: false, changes: [] });
      await opened.remove(['a']);
      expect(ops(await opened.store.changes(cursor, 10))).toEqual([['delete', 'MO:a']]);
    } else {
      expect(after.reset).toBe(true);
      expect(ops(after)).toEqual([['upsert', 'MO:a'], ['upsert', 'MO:b'], ['upsert', 'MO:c']]);
    }
  });

  it.each([['an unknown epoch', 'zzzzzzzz.1'], ['a position past the end', 'EPOCH.999999'], ['garbage', 'not-a-cursor']])(
    'answers a full snapshot with reset for %s',
    async (_, since) => {
      const { cursor } = await opened.store.changes(undefined, 10);
      const page = await opened.store.changes(since.replace('EPOCH', cursor.slice(0, cursor.lastIndexOf('.'))), 10);
      expect(page.reset).toBe(true);
      expect(ops(page)).toEqual([['upsert', 'MO:a'], ['upsert', 'MO:b'], ['upsert', 'MO:c']]);
    },
  );

  it('adds nothing to the feed when the same content is written again', async () => {
    const before = await opened.store.changes(undefined, 10);
    await opened.upsert([a, b, c]);
    expect(await opened.store.changes(before.cursor, 10)).toEqual({ region, cursor: before.cursor, reset: false, hasMore: false, changes: [] });
    expect(await opened.store.getMany(['MO:a', 'MO:b', 'MO:c'])).toEqual([a, b, c].map(recordOf));
  });

  it('keeps nothing of a batch it refuses one record of', async () => {
    const before = await opened.store.changes(undefined, 10);
    await expect(opened.upsertWithOneRefused([contractDataset('a', 'Alpha, half-written'), contractDataset('e', 'Echo')])).rejects.toThrow();
    expect(await opened.store.getMany(['MO:a', 'MO:e'])).toEqual([recordOf(a), undefined]);
    expect(await opened.store.count()).toBe(3);
    expect(await opened.store.changes(before.cursor, 10)).toEqual({ region, cursor: before.cursor, reset: false, hasMore: false, changes: [] });
  });
}
