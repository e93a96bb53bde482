import { describe } from 'vitest';
import { createMemoryStore, type MemoryStore } from '../../../../subgraphs/region/store/createMemoryStore.ts';
import { contractDataset, datasetStoreContract, recordOf, type OpenedStore } from './datasetStoreContract.ts';

function opened(store: MemoryStore): OpenedStore {
  return {
    store,
    upsert: async (datasets) => void (await store.upsertMany(datasets.map(recordOf))),
    remove: async (identifiers) => void (await store.removeMany(identifiers.map((identifier) => `${store.region}:${identifier}`))),
    async upsertWithOneRefused(datasets) {
      const foreign = { ...recordOf(contractDataset('foreign', 'Foreign')), id: 'VN:foreign', region: 'VN' };
      await store.upsertMany([...datasets.map(recordOf), foreign]);
    },
    async reopen() {
      // A restart of a memory store is a new store over the same records (from wherever they came).
      const snapshot = await store.changes(undefined, 5000);
      return opened(createMemoryStore(store.region, snapshot.changes.flatMap((change) => (change.op === 'upsert' ? [change.dataset] : []))));
    },
  };
}

describe('createMemoryStore', () => {
  datasetStoreContract({
    cursorsSurviveRestart: false,
    open: async (region) => opened(createMemoryStore(region)),
    cleanUp: async () => undefined,
  });
});
