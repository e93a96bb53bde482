import type { ChangeFeedPage } from '../../../schema/changeFeed.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';

/**
 * Where a region keeps its datasets. The file store is the embedded default;
 * a database store implements the same interface. Every method is async so
 * that stores backed by a server fit without changing callers.
 */
export interface DatasetStore extends AsyncDisposable {
  /** Region code every record of this store belongs to. */
  readonly region: string;
  /** Records for `ids` in the same order; `undefined` for ids the store does not hold. */
  getMany(ids: readonly string[]): Promise<(DatasetRecord | undefined)[]>;
  /** Number of datasets the store holds now. */
  count(): Promise<number>;
  /** The change feed page after `since` (see `ChangeFeedPage`). */
  changes(since: string | undefined, limit: number): Promise<ChangeFeedPage>;
}

/** What one write to a store did. */
export interface WriteOutcome {
  /** Datasets that got a new revision (or a tombstone): each has a new change feed position. */
  changed: number;
  /** Datasets written with the content they already had: no new feed position. */
  unchanged: number;
}

/**
 * A store that takes records directly (an import, a generator) rather than
 * reading them from files. Each call is one transaction: every record is
 * written or, when any is refused, none is.
 */
export interface WritableDatasetStore extends DatasetStore {
  /** Writes `records`; a record equal to the one held (same revision) is left alone. Records of another region are refused. */
  upsertMany(records: readonly DatasetRecord[]): Promise<WriteOutcome>;
  /** Deletes `ids`, leaving tombstones for the change feed; ids not held are counted unchanged. */
  removeMany(ids: readonly string[]): Promise<WriteOutcome>;
}

/** Thrown when a write names a record of another region; nothing of the write was kept. */
export class ForeignRecordError extends Error {
  constructor(
    readonly region: string,
    readonly ids: readonly string[],
  ) {
    super(`Store of region ${region} refused ${ids.map((id) => `"${id}"`).join(', ')}: ids must start with "${region}:"; nothing of this write was kept.`);
    this.name = 'ForeignRecordError';
  }
}
