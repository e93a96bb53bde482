import type { ChangeFeedPage } from '../../../schema/changeFeed.ts';
import type { DatasetRecord, LineageEdgeRecord } from '../../../schema/datasetRecord.ts';
import type { DatasetStore } from './DatasetStore.ts';
import { createChangeLog } from './createChangeLog.ts';
import { withIngestedLineage } from './withIngestedLineage.ts';
import { InvalidDatasetFolderError, loadDatasetFolder, type FileProblem, type ParseCache } from './loadDatasetFolder.ts';

export interface FileStoreOptions {
  region: string;
  folder: string;
  /**
   * How often the folder is re-read for added, changed and deleted files, in
   * milliseconds; 0 turns polling off (call `refresh()` yourself).
   * Reading the change feed re-reads the folder too.
   * @default 5000
   */
  pollIntervalMs?: number;
  /** Told after a re-read that changed any dataset (for example, to ping the catalogue). */
  onChange?: () => void;
  /** Told about a re-read that found invalid files; the last good state is kept. */
  onInvalid?: (problems: readonly FileProblem[]) => void;
}

export interface FileStore extends DatasetStore {
  /**
   * Sets the lineage edges ingested from OpenLineage runs for `id`; they are
   * served with the file's own edges, and a change is a new revision in the
   * change feed. Returns false when the store has no such dataset.
   */
  setIngestedLineage(id: string, edges: readonly LineageEdgeRecord[]): boolean;
  /** Every dataset as its file says (without ingested lineage). */
  records(): Promise<DatasetRecord[]>;
  /**
   * Re-reads the folder. When every file is valid, the store takes the new
   * state (changed datasets get new feed positions, missing ones tombstones)
   * and the problems list is empty; otherwise nothing changes.
   */
  refresh(): Promise<readonly FileProblem[]>;
}

/**
 * The embedded default store: a folder of YAML/JSON dataset files, one per
 * dataset. Refuses to open a folder with any invalid file (no partial load).
 */
export async function createFileStore(options: FileStoreOptions): Promise<FileStore> {
  const { region, folder, pollIntervalMs = 5000, onInvalid, onChange } = options;
  const cache: ParseCache = new Map();
  const first = await loadDatasetFolder(folder, region, cache);
  if (first.problems.length > 0) throw new InvalidDatasetFolderError(folder, first.problems);

  const log = createChangeLog();
  /** The records as their files say, before ingested lineage is added. */
  const fromFiles = new Map<string, DatasetRecord>();
  const ingested = new Map<string, readonly LineageEdgeRecord[]>();
  /** The record served: the file's, with ingested edges after its own. */
  const served = (record: DatasetRecord): DatasetRecord => withIngestedLineage(record, ingested.get(record.id));
  for (const record of first.records) {
    fromFiles.set(record.id, record);
    log.upsert(record);
  }

  let refreshing: Promise<readonly FileProblem[]> | undefined;
  async function reload(): Promise<readonly FileProblem[]> {
    const next = await loadDatasetFolder(folder, region, cache);
    if (next.problems.length > 0) {
      onInvalid?.(next.problems);
      return next.problems;
    }
    const seen = new Set<string>();
    let changed = false;
    fromFiles.clear();
    for (const record of next.records) {
      seen.add(record.id);
      fromFiles.set(record.id, record);
      changed = log.upsert(served(record)) || changed;
    }
    for (const id of [...log.ids()]) if (!seen.has(id)) changed = log.remove(id) || changed;
    if (changed) onChange?.();
    return [];
  }
  /** Concurrent callers share one re-read rather than racing each other. */
  function refresh(): Promise<readonly FileProblem[]> {
    refreshing ??= reload().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  }

  const timer = pollIntervalMs > 0 ? setInterval(() => void refresh().catch(() => undefined), pollIntervalMs) : undefined;
  timer?.unref();

  return {
    region,
    refresh,
    records: async () => [...fromFiles.values()],
    setIngestedLineage(id, edges) {
      const record = fromFiles.get(id);
      if (!record) return false;
      ingested.set(id, edges);
      if (log.upsert(served(record))) onChange?.();
      return true;
    },
    async getMany(ids) {
      return ids.map((id) => log.get(id));
    },
    async count() {
      return log.size();
    },
    async changes(since, limit): Promise<ChangeFeedPage> {
      // Re-read first so a harvest never misses an edit made since the last poll;
      // unchanged files cost a stat each.
      await refresh();
      return log.page(region, since, limit);
    },
    async [Symbol.asyncDispose]() {
      if (timer) clearInterval(timer);
      await refreshing;
    },
  };
}
