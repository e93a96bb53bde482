import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import type { DatasetStore } from './DatasetStore.ts';
import { createChangeLog } from './createChangeLog.ts';

export interface MemoryStore extends DatasetStore {
  upsert(record: DatasetRecord): void;
  remove(id: string): void;
}

/**
 * A store held in memory, for records that come from elsewhere (an import,
 * a generator). Records of other regions are refused.
 */
export function createMemoryStore(region: string, records: Iterable<DatasetRecord> = []): MemoryStore {
  const log = createChangeLog();
  const upsert = (record: DatasetRecord) => {
    if (record.region !== region) throw new Error(`Record ${record.id} belongs to region ${record.region}, not ${region}.`);
    log.upsert(record);
  };
  for (const record of records) upsert(record);
  return {
    region,
    upsert,
    remove: (id) => void log.remove(id),
    getMany: async (ids) => ids.map((id) => log.get(id)),
    count: async () => log.size(),
    changes: async (since, limit) => log.page(region, since, limit),
    async [Symbol.asyncDispose]() {},
  };
}
