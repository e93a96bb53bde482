import type { ChangeFeedPage } from '../../schema/changeFeed.ts';
import { datasetIdPattern } from '../../schema/datasetFile.ts';
import { formatDatasetId, regionOfDatasetId } from '../../schema/datasetId.ts';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import { datasetRecordLimits, datasetRecordProblems, datasetRecordSchema } from '../../schema/datasetRecordSchema.ts';
import { changeFeedUrlOf, type RegionEntry } from '../../schema/regionEntry.ts';
import { compileRegionPolicies, InvalidPoliciesError, type RegionPolicies } from '../shared/access/loadRegionPolicies.ts';
import { parseBoundedJson } from '../shared/parseBoundedJson.ts';
import { readCappedText, ResponseTooLargeError } from '../shared/readCappedText.ts';
import type { CatalogueIndex } from './createCatalogueIndex.ts';
import type { RegionRequest } from '../../schema/signedRequest.ts';
import { indexSink, StoreUnavailableError, type HarvestSink, type StoredHarvestState, type ValidChange } from './harvestSink.ts';

/** A record the harvester refused, as the region's status reports it. */
export interface SkippedRecord {
  /** The record's id when it has a well-formed one. */
  id: string | null;
  reason: string;
}

/** What the catalogue knows about harvesting one region. Operators see all of it; `Query.regions` shows only a generic summary. */
export interface RegionHarvestState {
  region: RegionEntry;
  /** Feed position after the last applied page; undefined until the first full snapshot. */
  cursor: string | undefined;
  lastHarvestAt: Date | undefined;
  lastSuccessAt: Date | undefined;
  /** Why the last harvest failed, or what it skipped, in detail: for operators (logs, the admin API), never for consumers. */
  lastError: string | undefined;
  /** The last harvest failed: the index holds the region's last good copy. */
  stale: boolean;
  /** When the last full reconcile finished. */
  lastReconcileAt: Date | undefined;
  /** Records the last harvest skipped as malformed or too large. */
  skippedRecords: number;
  /** The first of them (at most `maxSkippedReported`), with why. */
  skipped: SkippedRecord[];
}

/** A region's harvest state as JSON, for operators (`GET /admin/regions`). */
export interface RegionHarvestStatus {
  stale: boolean;
  lastError: string | null;
  lastHarvestAt: string | null;
  lastSuccessAt: string | null;
  lastReconcileAt: string | null;
  skippedRecords: number;
  skipped: SkippedRecord[];
}

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

/** Skipped records listed per region; the count covers them all. */
export const maxSkippedReported = 10;
/** Longest cursor taken from a region: it goes back into the next page's URL. */
const maxCursorLength = 1024;

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

class HarvestError extends Error {}
/** A page over `maxPageBytes`: asked for again, smaller. */
class PageTooLargeError extends HarvestError {}

/** What one harvest has spent of its `HarvestLimits`. */
interface HarvestBudget {
  pages: number;
  changes: number;
  bytes: number;
  /** Aborts every fetch of the harvest once `harvestBudgetMs` has passed. */
  deadline: AbortSignal;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

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
  const freshState = (region: RegionEntry): RegionHarvestState => ({
    region,
    cursor: undefined,
    lastHarvestAt: undefined,
    lastSuccessAt: undefined,
    lastError: undefined,
    stale: false,
    lastReconcileAt: undefined,
    skippedRecords: 0,
    skipped: [],
  });
  const states = new Map<string, RegionHarvestState>(options.regions.map((region) => [region.code, freshState(region)]));
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

  /**
   * GETs one of the region's paths within the page timeout and the harvest's
   * deadline. Redirects are not followed (`redirect: 'manual'`): a region's
   * address is what its operator registered, and a 3xx is a failure, so a
   * region cannot point the harvester at another host.
   */
  async function fetchFromRegion(what: string, region: string, url: URL, budget: HarvestBudget): Promise<Response> {
    let response: Response;
    try {
      // Signed as the gateway's own request (no consumer): a region serves its feed and policies to nobody else.
      const headers = signRequest?.({ region, method: 'GET', target: `${url.pathname}${url.search}` }) ?? {};
      response = await fetch(url, { headers, signal: AbortSignal.any([AbortSignal.timeout(pageTimeoutMs), budget.deadline]), redirect: 'manual' });
    } catch (error) {
      if (budget.deadline.aborted) throw overBudget();
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${pageTimeoutMs} ms` : 'could not be reached';
      throw new HarvestError(`${what} ${reason}`);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw new HarvestError(`${what} answered HTTP ${response.status}, a redirect; the harvester does not follow redirects`);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new HarvestError(`${what} answered HTTP ${response.status}`);
    }
    return response;
  }

  /** Throws when the harvest was stopped or ran out of time: nothing more of it is handed on. */
  function checkBudget(budget: HarvestBudget): void {
    if (!budget.deadline.aborted) return;
    if (stopping.signal.aborted) throw new HarvestError('harvest stopped');
    throw overBudget();
  }

  function overBudget(): HarvestError {
    return new HarvestError(`harvest stopped after ${limits.harvestBudgetMs} ms, the longest one harvest may take (harvestBudgetMs)`);
  }

  /** Reads a body of at most `maxBytes` (and what is left of the harvest's byte budget) and parses it. */
  async function readJson(what: string, response: Response, maxBytes: number, budget: HarvestBudget): Promise<unknown> {
    const left = limits.maxBytesPerHarvest - budget.bytes;
    let read: { text: string; bytes: number };
    try {
      read = await readCappedText(response, Math.min(maxBytes, left));
    } catch (error) {
      if (error instanceof ResponseTooLargeError) {
        if (left < maxBytes) throw new HarvestError(`harvest stopped after reading ${limits.maxBytesPerHarvest} bytes, the most one harvest may read (maxBytesPerHarvest)`);
        throw new PageTooLargeError(`${what} is larger than ${maxBytes} bytes`);
      }
      if (budget.deadline.aborted) throw overBudget();
      // The deadline covers the body too: a page that stops arriving half-way is slow, not malformed.
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') throw new HarvestError(`${what} not received within ${pageTimeoutMs} ms`);
      throw new HarvestError(`${what} could not be read`);
    }
    budget.bytes += read.bytes;
    try {
      return parseBoundedJson(read.text);
    } catch {
      return undefined;
    }
  }

  async function fetchPage(state: RegionHarvestState, since: string | undefined, limit: number, budget: HarvestBudget): Promise<ChangeFeedPage> {
    if (budget.pages >= limits.maxPagesPerHarvest) {
      throw new HarvestError(`harvest stopped after ${plural(budget.pages, 'change-feed page')}, the most one harvest may read (maxPagesPerHarvest)`);
    }
    budget.pages += 1;
    const url = changeFeedUrlOf(state.region);
    url.searchParams.set('limit', String(limit));
    if (since) url.searchParams.set('since', since);
    const response = await fetchFromRegion('change feed', state.region.code, url, budget);
    const page = (await readJson('change feed page', response, limits.maxPageBytes, budget)) as ChangeFeedPage | undefined;
    if (
      !page ||
      typeof page !== 'object' ||
      typeof page.cursor !== 'string' ||
      page.cursor.length > maxCursorLength ||
      !Array.isArray(page.changes) ||
      page.region !== state.region.code
    ) {
      throw new HarvestError('change feed answered something that is not a change-feed page of this region');
    }
    return page;
  }

  /** Takes the region's current policies; invalid ones are refused and the last good ones stay. */
  async function harvestPolicies(state: RegionHarvestState, budget: HarvestBudget): Promise<void> {
    if (!onPolicies && !options.sink) return;
    let body: { region?: string; version?: string; policies?: Record<string, string> } | undefined;
    try {
      const response = await fetchFromRegion('policies', state.region.code, new URL('policies', state.region.url), budget);
      body = (await readJson('policies', response, limits.maxPoliciesBytes, budget)) as typeof body;
    } catch (error) {
      if (error instanceof PageTooLargeError) throw new HarvestError(error.message);
      throw error;
    }
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
    checkBudget(budget);
    await sink.applyPolicies(state.region, policies);
  }

  /** A change as the index may take it, or why not. Every check is on the change as sent: the region is not trusted. */
  function checkChange(change: unknown, region: string): ValidChange | { id: string | null; reason: string } {
    const value = change as { op?: unknown; id?: unknown; dataset?: unknown } | null;
    const id = typeof value?.id === 'string' && datasetIdPattern.test(value.id) ? value.id : null;
    if (typeof value !== 'object' || value === null) return { id: null, reason: 'not a change' };
    if (id === null) return { id: null, reason: 'id: not a dataset id' };
    if (regionOfDatasetId(id) !== region) return { id, reason: `id: a dataset of region ${regionOfDatasetId(id)}, not of ${region}` };
    if (value.op === 'delete') return { op: 'delete', id };
    if (value.op !== 'upsert') return { id, reason: 'op: neither "upsert" nor "delete"' };
    const parsed = datasetRecordSchema.safeParse(value.dataset);
    if (!parsed.success) return { id, reason: datasetRecordProblems(parsed.error).join('; ') };
    const record = parsed.data as DatasetRecord;
    if (record.id !== id) return { id, reason: `dataset.id: "${record.id}", not the change's id` };
    if (record.region !== region || formatDatasetId(record.region, record.identifier) !== id) return { id, reason: 'dataset.region or dataset.identifier: does not match the id' };
    const bytes = Buffer.byteLength(JSON.stringify(record));
    if (bytes > limits.maxRecordBytes) return { id, reason: `${bytes} bytes, more than the ${limits.maxRecordBytes} a record may have (maxRecordBytes)` };
    return { op: 'upsert', id, record };
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
    checkBudget(budget);
    await sink.applyPage(region, changes, cursor);
  }

  async function harvestRegion(state: RegionHarvestState): Promise<void> {
    const code = state.region.code;
    const reconcileDue = !state.lastReconcileAt || Date.now() - state.lastReconcileAt.getTime() >= reconcileIntervalMs;
    let since = reconcileDue ? undefined : state.cursor;
    const stopped = stopping.signal;
    const budget: HarvestBudget = { pages: 0, changes: 0, bytes: 0, deadline: AbortSignal.any([AbortSignal.timeout(limits.harvestBudgetMs), stopped]) };
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
          page = await fetchPage(state, since, limit, budget);
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
          const checked = checkChange(change, code);
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
        checkBudget(budget);
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
      if (!state) return undefined;
      return {
        stale: state.stale,
        lastError: state.lastError ?? null,
        lastHarvestAt: state.lastHarvestAt?.toISOString() ?? null,
        lastSuccessAt: state.lastSuccessAt?.toISOString() ?? null,
        lastReconcileAt: state.lastReconcileAt?.toISOString() ?? null,
        skippedRecords: state.skippedRecords,
        skipped: state.skipped,
      };
    },
    addRegion(region) {
      const state = freshState(region);
      const kept = stored.get(region.code);
      if (kept && kept.url === region.url) applyStored(state, kept);
      states.set(region.code, state);
    },
    restore(code, kept) {
      stored.set(code, kept);
      const state = states.get(code);
      // A harvest under way owns its state; the store's copy is what it wrote last.
      if (state && state.region.url === kept.url && !running.has(code)) applyStored(state, kept);
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

/** Puts a stored harvest state into a region's in-memory one. */
function applyStored(state: RegionHarvestState, kept: StoredHarvestState): void {
  state.cursor = kept.cursor ?? undefined;
  state.lastReconcileAt = kept.reconciledAt ?? undefined;
  if (!kept.status) return;
  const parse = (value: string | null) => (value ? new Date(value) : undefined);
  state.stale = kept.status.stale;
  state.lastError = kept.status.lastError ?? undefined;
  state.lastHarvestAt = parse(kept.status.lastHarvestAt);
  state.lastSuccessAt = parse(kept.status.lastSuccessAt);
  state.skippedRecords = kept.status.skippedRecords;
  state.skipped = kept.status.skipped;
}

const describeSkipped = (skipped: SkippedRecord) => `${skipped.id ?? '(no id)'}: ${skipped.reason}`;
