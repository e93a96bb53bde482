import { datasetRecordLimits } from '../../schema/datasetRecordSchema.ts';

/**
 * What one harvest of one region may take. A region is input, not trusted:
 * whatever it serves, a harvest reads, parses and holds at most this much,
 * and ends within `harvestBudgetMs`.
 */
export interface HarvestLimits {
  /**
   * Largest change-feed page body read, in bytes. A larger page is asked for
   * again with half the page size, down to one change; a single change
   * larger than this fails the harvest. @default 8388608 (8 MiB)
   */
  maxPageBytes: number;
  /** Largest `/policies` body read, in bytes. @default 1048576 (1 MiB) */
  maxPoliciesBytes: number;
  /** Largest dataset record, in bytes of JSON; a larger one is skipped and reported. @default 1048576 (1 MiB) */
  maxRecordBytes: number;
  /** Change-feed pages one harvest may read. @default 1000 */
  maxPagesPerHarvest: number;
  /** Changes one harvest may read. @default 200000 */
  maxChangesPerHarvest: number;
  /** Page bytes one harvest may read, in bytes: bounds what a snapshot holds before it is applied. @default 268435456 (256 MiB) */
  maxBytesPerHarvest: number;
  /** Longest one harvest may take, fetches included, in milliseconds. @default 120000 */
  harvestBudgetMs: number;
  /** Datasets one region may have in the catalogue; a feed offering more fails the harvest. @default 100000 */
  maxDatasetsPerRegion: number;
}

export const defaultHarvestLimits: HarvestLimits = {
  maxPageBytes: 8 * 1024 * 1024,
  maxPoliciesBytes: 1024 * 1024,
  maxRecordBytes: datasetRecordLimits.maxRecordBytes,
  maxPagesPerHarvest: 1000,
  maxChangesPerHarvest: 200_000,
  maxBytesPerHarvest: 256 * 1024 * 1024,
  harvestBudgetMs: 120_000,
  maxDatasetsPerRegion: 100_000,
};

/** What one harvest has spent of its `HarvestLimits`. */
export interface HarvestBudget {
  pages: number;
  changes: number;
  bytes: number;
  /** Aborted by the harvester's `stop`. */
  stopped: AbortSignal;
  /** Aborts every fetch of the harvest once `harvestBudgetMs` has passed, or on `stopped`. */
  deadline: AbortSignal;
}

/** A harvest's budget, its clock started now. */
export function startHarvestBudget(limits: HarvestLimits, stopped: AbortSignal): HarvestBudget {
  return { pages: 0, changes: 0, bytes: 0, stopped, deadline: AbortSignal.any([AbortSignal.timeout(limits.harvestBudgetMs), stopped]) };
}

/** Why a harvest failed, in words fit for the region's status. */
export class HarvestError extends Error {}
/** A page over `maxPageBytes`: asked for again, smaller. */
export class PageTooLargeError extends HarvestError {}

export function overBudget(limits: HarvestLimits): HarvestError {
  return new HarvestError(`harvest stopped after ${limits.harvestBudgetMs} ms, the longest one harvest may take (harvestBudgetMs)`);
}

/** Throws when the harvest was stopped or ran out of time: nothing more of it is handed on. */
export function checkBudget(budget: HarvestBudget, limits: HarvestLimits): void {
  if (!budget.deadline.aborted) return;
  if (budget.stopped.aborted) throw new HarvestError('harvest stopped');
  throw overBudget(limits);
}

export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
