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
