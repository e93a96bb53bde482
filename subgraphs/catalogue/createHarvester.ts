import type { ChangeFeedPage } from '../../schema/changeFeed.ts';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import type { RegionEntry } from '../../schema/regionEntry.ts';
import type { RegionRequest } from '../../schema/signedRequest.ts';
import { compileRegionPolicies, InvalidPoliciesError, type RegionPolicies } from '../shared/access/loadRegionPolicies.ts';
import { checkHarvestedChange } from './checkHarvestedChange.ts';
import type { CatalogueIndex } from './createCatalogueIndex.ts';
import { checkBudget, defaultHarvestLimits, HarvestError, PageTooLargeError, plural, startHarvestBudget, type HarvestBudget, type HarvestLimits } from './harvestBudget.ts';
import { indexSink, StoreUnavailableError, type HarvestSink, type StoredHarvestState, type ValidChange } from './harvestSink.ts';
import { createRegionFeedReader } from './regionFeedReader.ts';
import {
  applyStoredHarvestState,
  freshHarvestState,
  harvestStatusOf,
  maxSkippedReported,
  type RegionHarvestState,
  type RegionHarvestStatus,
  type SkippedRecord,
} from './regionHarvestState.ts';

// The harvester's options and state name these; they keep being importable from here.
export type { HarvestLimits } from './harvestBudget.ts';
export { defaultHarvestLimits } from './harvestBudget.ts';
export type { RegionHarvestState, RegionHarvestStatus, SkippedRecord } from './regionHarvestState.ts';
export { maxSkippedReported } from './regionHarvestState.ts';

export interface HarvesterOptions {
  regions: readonly RegionEntry[];
  index: CatalogueIndex;
  /** Pause between harvests of every region, in milliseconds; 0 harvests only on demand. @default 30000 */
  intervalMs?: number;
  /**
   * How often a region is fully reconciled: its feed is read from the start
   * (a snapshot) and whatever the catalogue holds that the snapshot lacks is
   * removed, whatever tombstones were missed. @default 3600000
   */
  reconcileIntervalMs?: number;
  /**
   * After a failed harvest, a region is tried again after this many
   * milliseconds, doubling with each failure in a row, until the wait reaches
   * `intervalMs` (from then on the interval tries it). Only once `start`ed.
   * @default 1000
   */
  retryBaseMs?: number;
  /** Longest wait for one change-feed page, in milliseconds. @default 10000 */
  pageTimeoutMs?: number;
  /** Change-feed page size asked for. @default 500 */
  pageLimit?: number;
  /** See `HarvestLimits`; each one given replaces its default. */
  limits?: Partial<HarvestLimits>;
  fetch?: typeof globalThis.fetch;
  /**
   * Headers that prove a request comes from the gateway (`x-wharf-request`):
   * a region serves its change feed and policies to nobody else.
   * @default none (regions will refuse)
   */
  signRequest?: (request: RegionRequest) => Record<string, string>;
  /** Told of each region's policies when they are new or changed. */
  onPolicies?: (policies: RegionPolicies) => void;
  /** The version of the policies last taken for a region. */
  policyVersion?: (region: string) => string | undefined;
  /**
   * Checked before a region is harvested (`recheck`: a full reconcile is due);
   * throwing refuses the harvest, with the error's message as `lastError`,
   * and keeps the region's last good copy.
   */
  admit?: (region: RegionEntry, recheck: boolean) => Promise<void>;
  /** Told, for the operator's log, when a region's harvest fails or skips records, once per new problem. @default none */
  onProblem?: (region: string, detail: string) => void;
  /**
   * Where harvested changes, policies and each harvest's outcome go.
   * @default the index itself, and policies to `onPolicies` (one process, nothing kept)
   */
  sink?: HarvestSink;
  /**
   * Asked before each harvest of a region; false skips it (a replica that
   * is not the leader of a durable catalogue harvests nothing). @default always
   */
  canHarvest?: () => boolean;
}

export interface Harvester extends AsyncDisposable {
  /** Harvests every region; a failing region never stops the others. */
  harvestAll(): Promise<void>;
  /** Harvests one region now; concurrent calls for a region share one harvest. */
  harvest(code: string): Promise<void>;
  states(): readonly RegionHarvestState[];
  /** A region's harvest state for operators; undefined when it is not harvested. */
  status(code: string): RegionHarvestStatus | undefined;
  /** Starts harvesting a region registered at run time, or takes a region's new entry (its feed is read again from the start). */
  addRegion(region: RegionEntry): void;
  /** Stops harvesting a region and removes its datasets from the index; false when it was not harvested. */
  removeRegion(code: string): Promise<boolean>;
  /** Starts the interval timer (after a first `harvestAll`, if wanted). */
  start(): void;
  /**
   * Stops the interval timer and retries, cuts every harvest under way short
   * (what it had not yet handed to the sink is dropped) and waits for them
   * to end. `start` starts again.
   */
  stop(): Promise<void>;
  /**
   * Takes a region's harvest state as stored (by the durable catalogue's
   * leader): its cursor, last reconcile and last outcome. Ignored for a
   * region registered at another URL; kept for a region registered later.
   */
  restore(code: string, stored: StoredHarvestState): void;
}

/**
 * Pulls every region's change feed into the catalogue index. A region is
 * input, not trusted: redirects are never followed, every body is read with
 * a byte cap, every record is validated in full (`datasetRecordSchema`) and
 * skipped with a reason when it fails, and each harvest has a page, change,
 * byte and time budget and each region a dataset quota (`HarvestLimits`).
 *
 * Never drops the last good copy of a region that fails. A snapshot (`reset`)
 * is a full reconcile and is applied only once all of it (and the region's
 * policies) has arrived: a snapshot cut short by a failure or a budget
 * changes nothing. Incremental pages are applied one by one, each whole or
 * not at all.
 */
export function createHarvester(options: HarvesterOptions): Harvester {
  const { index, intervalMs = 30_000, retryBaseMs = 1000, reconcileIntervalMs = 3_600_000, pageTimeoutMs = 10_000, pageLimit = 500, fetch = globalThis.fetch, onPolicies, policyVersion, admit, onProblem, signRequest, canHarvest } = options;
  const sink = options.sink ?? indexSink(index, onPolicies);
  const limits: HarvestLimits = { ...defaultHarvestLimits, ...options.limits };
  const reader = createRegionFeedReader({ fetch, signRequest, pageTimeoutMs, limits });
  const states = new Map<string, RegionHarvestState>(options.regions.map((region) => [region.code, freshHarvestState(region)]));
  /** The last stored state of each region, by code: kept until the region is (re)registered at its URL. Bounded by the regions the store knows. */
  const stored = new Map<string, StoredHarvestState>();
  const running = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  /** Aborted by `stop`: cuts every harvest under way short. */
  let stopping = new AbortController();
  /** Per region: harvests failed in a row, and the retry waiting to run. */
  const failuresInRow = new Map<string, number>();
  const retries = new Map<string, NodeJS.Timeout>();
  /** Per region: the problem last told to `onProblem`, so a region failing every interval is logged once. */
  const reported = new Map<string, string>();

  /** A region that failed is tried again soon, not only at the next interval: its first harvest may just have been slow. */
  function retryLater(code: string): void {
    const failures = failuresInRow.get(code) ?? 0;
    if (!timer || disposed || failures === 0 || retries.has(code)) return;
    const delayMs = retryBaseMs * 2 ** (failures - 1);
    if (delayMs >= intervalMs) return;
    const retry = setTimeout(() => {
      retries.delete(code);
      void harvest(code);
    }, delayMs);
    retry.unref();
    retries.set(code, retry);
  }

  /** Takes the region's current policies; invalid ones are refused and the last good ones stay. */
  async function harvestPolicies(state: RegionHarvestState, budget: HarvestBudget): Promise<void> {
    if (!onPolicies && !options.sink) return;
    const body = (await reader.fetchPolicies(state.region, budget)) as { region?: string; version?: string; policies?: Record<string, string> } | undefined;
    if (!body || typeof body !== 'object' || body.region !== state.region.code || typeof body.policies !== 'object' || body.policies === null) {
      throw new HarvestError('policies answered without a policy set of this region');
    }
    if (typeof body.version === 'string' && body.version === policyVersion?.(state.region.code)) return;
    let policies: RegionPolicies;
    try {
      policies = compileRegionPolicies(state.region.code, body.policies);
    } catch (error) {
      if (error instanceof InvalidPoliciesError) throw new HarvestError(`policies refused: ${error.problems[0]}`);
      throw error;
    }
    if (policies.version === policyVersion?.(state.region.code)) return;
    checkBudget(budget, limits);
    await sink.applyPolicies(state.region, policies);
  }

  const quotaError = () => new HarvestError(`the region offers more than ${limits.maxDatasetsPerRegion} datasets, its quota (maxDatasetsPerRegion)`);

  /** Applies an incremental page, whole: refused when it would take the region past its quota. */
  async function applyPage(changes: readonly ValidChange[], region: RegionEntry, cursor: string, budget: HarvestBudget): Promise<void> {
    const held = index.regionIds(region.code);
    const present = new Map<string, boolean>();
    let size = held.size;
    for (const change of changes) {
      const was = present.get(change.id) ?? held.has(change.id);
      const now = change.op === 'upsert';
      if (was !== now) size += now ? 1 : -1;
      present.set(change.id, now);
    }
    if (size > limits.maxDatasetsPerRegion) throw quotaError();
    // A harvest cut short by `stop` hands nothing more on.
    checkBudget(budget, limits);
    await sink.applyPage(region, changes, cursor);
  }

  async function harvestRegion(state: RegionHarvestState): Promise<void> {
    const code = state.region.code;
    const reconcileDue = !state.lastReconcileAt || Date.now() - state.lastReconcileAt.getTime() >= reconcileIntervalMs;
    let since = reconcileDue ? undefined : state.cursor;
    const stopped = stopping.signal;
    const budget = startHarvestBudget(limits, stopped);
    /** A snapshot under way: ids it holds, and the records that differ from the index's (unchanged ones need no copy). */
    let snapshot: { seen: Set<string>; staged: Map<string, DatasetRecord> } | undefined;
    const skipped: SkippedRecord[] = [];
    let skippedCount = 0;
    try {
      if (admit) {
        try {
          await admit(state.region, reconcileDue);
        } catch (error) {
          throw new HarvestError((error as Error).message);
        }
      }
      let limit = pageLimit;
      for (;;) {
        let page: ChangeFeedPage;
        try {
          page = await reader.fetchPage(state.region, since, limit, budget);
        } catch (error) {
          if (!(error instanceof PageTooLargeError) || limit === 1) throw error;
          limit = Math.max(1, Math.floor(limit / 2));
          continue;
        }
        budget.changes += page.changes.length;
        if (budget.changes > limits.maxChangesPerHarvest) {
          throw new HarvestError(`harvest stopped after ${limits.maxChangesPerHarvest} changes, the most one harvest may read (maxChangesPerHarvest)`);
        }
        if (page.reset && !snapshot) snapshot = { seen: new Set(), staged: new Map() };
        const valid: ValidChange[] = [];
        for (const change of page.changes) {
          const checked = checkHarvestedChange(change, code, limits.maxRecordBytes);
          if ('op' in checked) {
            valid.push(checked);
            continue;
          }
          if (skippedCount++ < maxSkippedReported) skipped.push(checked);
          // A skipped change is not applied, in a snapshot as in an incremental page: the copy the catalogue has of that dataset stays.
          if (snapshot && checked.id !== null && regionOfDatasetId(checked.id) === code) snapshot.seen.add(checked.id);
        }
        if (snapshot) {
          for (const change of valid) {
            if (change.op === 'delete') {
              snapshot.seen.delete(change.id);
              snapshot.staged.delete(change.id);
            } else {
              snapshot.seen.add(change.id);
              if (index.revisionOf(change.id) === change.record.revision) snapshot.staged.delete(change.id);
              else snapshot.staged.set(change.id, change.record);
            }
          }
          if (snapshot.seen.size > limits.maxDatasetsPerRegion) throw quotaError();
        } else if (valid.length > 0 || page.cursor !== state.cursor) {
          await applyPage(valid, state.region, page.cursor, budget);
          state.cursor = page.cursor;
        }
        since = page.cursor;
        if (!page.hasMore) break;
      }
      // Until a region's policies are in, none of its datasets is discoverable (fail closed).
      await harvestPolicies(state, budget);
      if (snapshot) {
        // All at once, and only now: a snapshot cut short never replaces the copy the catalogue has.
        const seen = snapshot.seen;
        const removals = [...index.regionIds(code)].filter((id) => !seen.has(id));
        const reconciledAt = new Date();
        checkBudget(budget, limits);
        await sink.applySnapshot(state.region, removals, [...snapshot.staged.values()], since!, reconciledAt);
        state.cursor = since;
        state.lastReconcileAt = reconciledAt;
      }
      state.lastSuccessAt = new Date();
      failuresInRow.delete(code);
      state.stale = false;
      state.lastError =
        skippedCount > 0 ? `skipped ${plural(skippedCount, 'record')} that ${skippedCount === 1 ? 'is' : 'are'} malformed or too large; first: ${describeSkipped(skipped[0]!)}` : undefined;
    } catch (error) {
      // Not the region's fault: the harvest was stopped, or the catalogue's store could not take it. The region's state stays as it was.
      if (stopped.aborted || error instanceof StoreUnavailableError) return;
      state.stale = true;
      state.lastError = error instanceof HarvestError ? error.message : `harvest failed: ${(error as Error).message}`;
      failuresInRow.set(code, (failuresInRow.get(code) ?? 0) + 1);
    } finally {
      if (!stopped.aborted) {
        state.lastHarvestAt = new Date();
        state.skippedRecords = skippedCount;
        state.skipped = skipped;
      }
    }
    if (states.get(code) === state) await sink.recordOutcome?.(state).catch(() => undefined);
    if (state.lastError && reported.get(code) !== state.lastError) onProblem?.(code, state.lastError);
    if (state.lastError) reported.set(code, state.lastError);
    else reported.delete(code);
    if (states.get(code) === state) retryLater(code);
  }

  function harvest(code: string): Promise<void> {
    const state = states.get(code);
    if (!state) return Promise.reject(new Error(`No region "${code}" is registered with the catalogue.`));
    if (disposed || (canHarvest && !canHarvest())) return Promise.resolve();
    let current = running.get(code);
    if (!current) {
      current = harvestRegion(state).finally(() => running.delete(code));
      running.set(code, current);
    }
    return current;
  }

  async function harvestAll(): Promise<void> {
    await Promise.all([...states.keys()].map((code) => harvest(code)));
  }

  return {
    harvest,
    harvestAll,
    states: () => [...states.values()],
    status(code) {
      const state = states.get(code);
      return state ? harvestStatusOf(state) : undefined;
    },
    addRegion(region) {
      const state = freshHarvestState(region);
      const kept = stored.get(region.code);
      if (kept && kept.url === region.url) applyStoredHarvestState(state, kept);
      states.set(region.code, state);
    },
    restore(code, kept) {
      stored.set(code, kept);
      const state = states.get(code);
      // A harvest under way owns its state; the store's copy is what it wrote last.
      if (state && state.region.url === kept.url && !running.has(code)) applyStoredHarvestState(state, kept);
    },
    async removeRegion(code) {
      if (!states.delete(code)) return false;
      clearTimeout(retries.get(code));
      retries.delete(code);
      failuresInRow.delete(code);
      reported.delete(code);
      stored.delete(code);
      // A harvest under way could put the region's datasets back; let it end first.
      await running.get(code)?.catch(() => undefined);
      await sink.removeRegion(code);
      return true;
    },
    start() {
      if (intervalMs <= 0 || timer || disposed) return;
      timer = setInterval(() => void harvestAll(), intervalMs);
      timer.unref();
      for (const code of states.keys()) retryLater(code);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const retry of retries.values()) clearTimeout(retry);
      retries.clear();
      stopping.abort();
      await Promise.allSettled(running.values());
      stopping = new AbortController();
    },
    async [Symbol.asyncDispose]() {
      disposed = true;
      if (timer) clearInterval(timer);
      for (const retry of retries.values()) clearTimeout(retry);
      await Promise.allSettled(running.values());
    },
  };
}

const describeSkipped = (skipped: SkippedRecord) => `${skipped.id ?? '(no id)'}: ${skipped.reason}`;
