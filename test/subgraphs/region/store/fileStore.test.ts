import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { stringify } from 'yaml';
import { createFileStore, type FileStore } from '../../../../subgraphs/region/store/createFileStore.ts';
import { InvalidDatasetFolderError } from '../../../../subgraphs/region/store/loadDatasetFolder.ts';
import { datasetStoreContract, type ContractDataset, type OpenedStore } from './datasetStoreContract.ts';

const folders: string[] = [];

function opened(store: FileStore, folder: string): OpenedStore {
  const path = (identifier: string) => join(folder, `${identifier}.yaml`);
  const refreshOrThrow = async () => {
    const problems = await store.refresh();
    if (problems.length > 0) throw new InvalidDatasetFolderError(folder, problems);
  };
  const write = (datasets: readonly ContractDataset[]) => Promise.all(datasets.map((dataset) => writeFile(path(dataset.identifier), stringify(dataset.file))));
  return {
    store,
    async upsert(datasets) {
      await write(datasets);
      await refreshOrThrow();
    },
    async remove(identifiers) {
      await Promise.all(identifiers.map((identifier) => unlink(path(identifier))));
      await refreshOrThrow();
    },
    async upsertWithOneRefused(datasets) {
      // A folder is taken whole or not at all: one invalid file keeps the store on its last good state.
      const previous = await Promise.all(datasets.map((dataset) => readFile(path(dataset.identifier), 'utf8').catch(() => undefined)));
      await write(datasets);
      await writeFile(path('refused'), 'language: en\ntitle: No description\n');
      try {
        await refreshOrThrow();
      } finally {
        await unlink(path('refused'));
        await Promise.all(datasets.map((dataset, i) => (previous[i] === undefined ? unlink(path(dataset.identifier)) : writeFile(path(dataset.identifier), previous[i]!))));
      }
    },
    async reopen() {
      await store[Symbol.asyncDispose]();
      return opened(await createFileStore({ region: store.region, folder, pollIntervalMs: 0 }), folder);
    },
  };
}

describe('createFileStore', () => {
  datasetStoreContract({
    cursorsSurviveRestart: false,
    async open(region) {
      const folder = await mkdtemp(join(tmpdir(), 'wharf-store-contract-'));
      folders.push(folder);
      return opened(await createFileStore({ region, folder, pollIntervalMs: 0 }), folder);
    },
    async cleanUp() {
      for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
    },
  });
});
