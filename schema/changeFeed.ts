import type { DatasetRecord } from './datasetRecord.ts';

/**
 * The change feed a region serves at `GET /changes?since=<cursor>&limit=<n>`,
 * beside `/graphql` and outside the composed contract.
 *
 * Cursors are opaque to consumers. A cursor names the feed's epoch and a
 * position in it; when `since` is absent or from another epoch (the region's
 * store was rebuilt), the feed answers a full snapshot with `reset: true`,
 * and the consumer must drop every dataset of the region that the snapshot
 * pages (until `hasMore: false`) did not contain.
 */
export interface ChangeFeedPage {
  region: string;
  /** Pass as `since` for the next page. */
  cursor: string;
  /** True on every page of a full snapshot. */
  reset: boolean;
  /** More changes are waiting after `cursor`. */
  hasMore: boolean;
  changes: Change[];
}

export type Change =
  | { op: 'upsert'; id: string; revision: string; dataset: DatasetRecord }
  | { op: 'delete'; id: string };

/** Default and largest page size of the change feed. */
export const changeFeedDefaultLimit = 500;
export const changeFeedMaxLimit = 5000;
