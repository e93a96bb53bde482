import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { ForeignRecordError, type WritableDatasetStore } from './DatasetStore.ts';
import { createChangeLog } from './createChangeLog.ts';

export interface MemoryStore extends WritableDatasetStore {
  upsert(record: DatasetRecord): void;
  remove(id: string): void;
}

/**
 * A store held in memory, for records that come from elsewhere (an import,
 * a generator). Records of other regions are refused.
 */
export function createMemoryStore(region: string, records: Iterable<DatasetRecord> = []): MemoryStore {
  const log = createChangeLog();
  const refuseForeign = (batch: readonly DatasetRecord[]) => {
    const foreign = batch.filter((record) => record.region !== region || !record.id.startsWith(`${region}:`));
    if (foreign.length > 0) throw new ForeignRecordError(region, foreign.map((record) => record.id));
  };
  const upsert = (record: DatasetRecord) => {
    refuseForeign([record]);
    log.upsert(record);
  };
  for (const record of records) upsert(record);
  return {
    region,
    upsert,
    remove: (id) => void log.remove(id),
    async upsertMany(batch) {
      // Checked whole before any write: a refused batch changes nothing.
      refuseForeign(batch);
      let changed = 0;
      for (const record of batch) if (log.upsert(record)) changed += 1;
      return { changed, unchanged: batch.length - changed };
    },
    async removeMany(ids) {
      let changed = 0;
      for (const id of ids) if (log.remove(id)) changed += 1;
      return { changed, unchanged: ids.length - changed };
    },
    getMany: async (ids) => ids.map((id) => log.get(id)),
    count: async () => log.size(),
    changes: async (since, limit) => log.page(region, since, limit),
    async [Symbol.asyncDispose]() {},
  };
}
