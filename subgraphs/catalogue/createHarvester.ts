import type { Change, ChangeFeedPage } from '../../schema/changeFeed.ts';
import { datasetIdPattern } from '../../schema/datasetFile.ts';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import { changeFeedUrlOf, type RegionEntry } from '../../schema/regionEntry.ts';
import { compileRegionPolicies, InvalidPoliciesError, type RegionPolicies } from '../shared/access/loadRegionPolicies.ts';
import type { CatalogueIndex } from './createCatalogueIndex.ts';
import type { RegionRequest } from '../../schema/signedRequest.ts';

/** What the catalogue knows about harvesting one region; `Query.regions` shows it. */
export interface RegionHarvestState {
  region: RegionEntry;
  /** Feed position after the last applied page; undefined until the first full snapshot. */
  cursor: string | undefined;
  lastHarvestAt: Date | undefined;
  lastSuccessAt: Date | undefined;
  lastError: string | undefined;
  /** The last harvest failed: the index holds the region's last good copy. */
  stale: boolean;
  /** When the last full reconcile finished. */
  lastReconcileAt: Date | undefined;
}

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
}

export interface Harvester extends AsyncDisposable {
  /** Harvests every region; a failing region never stops the others. */
  harvestAll(): Promise<void>;
  /** Harvests one region now; concurrent calls for a region share one harvest. */
  harvest(code: string): Promise<void>;
  states(): readonly RegionHarvestState[];
  /** Starts harvesting a region registered at run time, or takes a region's new entry (its feed is read again from the start). */
  addRegion(region: RegionEntry): void;
  /** Stops harvesting a region and removes its datasets from the index; false when it was not harvested. */
  removeRegion(code: string): Promise<boolean>;
  /** Starts the interval timer (after a first `harvestAll`, if wanted). */
  start(): void;
}

class HarvestError extends Error {}

/** A cheap structural check: a region's feed is input, not trusted. */
function isUsableRecord(record: unknown, region: string): record is DatasetRecord {
  const value = record as DatasetRecord | null;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof value.id === 'string' &&
    datasetIdPattern.test(value.id) &&
    regionOfDatasetId(value.id) === region &&
    value.region === region &&
    typeof value.revision === 'string' &&
    Array.isArray(value.title) &&
    value.title.length > 0 &&
    Array.isArray(value.description) &&
    Array.isArray(value.keywords) &&
    Array.isArray(value.themes) &&
    Array.isArray(value.spatial) &&
    Array.isArray(value.distributions) &&
    Array.isArray(value.lineage)
  );
}

/**
 * Pulls every region's change feed into the catalogue index. Never drops the
 * last good copy of a region that fails; a snapshot (`reset`) is applied as a
 * full reconcile, and its cursor is kept only once the whole snapshot is in,
 * so a reconcile cut short is started again rather than half-finished.
 */
export function createHarvester(options: HarvesterOptions): Harvester {
  const { index, intervalMs = 30_000, retryBaseMs = 1000, reconcileIntervalMs = 3_600_000, pageTimeoutMs = 10_000, pageLimit = 500, fetch = globalThis.fetch, signRequest, onPolicies, policyVersion, admit } = options;
  const freshState = (region: RegionEntry): RegionHarvestState => ({
    region,
    cursor: undefined,
    lastHarvestAt: undefined,
    lastSuccessAt: undefined,
    lastError: undefined,
    stale: false,
    lastReconcileAt: undefined,
  });
  const states = new Map<string, RegionHarvestState>(options.regions.map((region) => [region.code, freshState(region)]));
  const running = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  /** Per region: harvests failed in a row, and the retry waiting to run. */
  const failuresInRow = new Map<string, number>();
  const retries = new Map<string, NodeJS.Timeout>();

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

  /** A GET of `url` at the region, signed as the gateway's own request (no consumer). */
  function signedGet(state: RegionHarvestState, url: URL): Record<string, string> {
    return signRequest?.({ region: state.region.code, method: 'GET', target: `${url.pathname}${url.search}` }) ?? {};
  }

  async function fetchPage(state: RegionHarvestState, since: string | undefined): Promise<ChangeFeedPage> {
    const url = changeFeedUrlOf(state.region);
    url.searchParams.set('limit', String(pageLimit));
    if (since) url.searchParams.set('since', since);
    let response: Response;
    try {
      response = await fetch(url, { headers: signedGet(state, url), signal: AbortSignal.timeout(pageTimeoutMs) });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${pageTimeoutMs} ms` : 'could not be reached';
      throw new HarvestError(`change feed ${reason}`);
    }
    if (!response.ok) throw new HarvestError(`change feed answered HTTP ${response.status}`);
    const page = (await response.json().catch((error: Error) => {
      // The deadline covers the body too: a page that stops arriving half-way is slow, not malformed.
      if (error.name === 'TimeoutError' || error.name === 'AbortError') throw new HarvestError(`change feed page not received within ${pageTimeoutMs} ms`);
      return undefined;
    })) as ChangeFeedPage | undefined;
    if (!page || typeof page.cursor !== 'string' || !Array.isArray(page.changes) || page.region !== state.region.code) {
      throw new HarvestError('change feed answered something that is not a change-feed page of this region');
    }
    return page;
  }

  /** Takes the region's current policies; invalid ones are refused and the last good ones stay. */
  async function harvestPolicies(state: RegionHarvestState): Promise<void> {
    if (!onPolicies) return;
    let response: Response;
    try {
      const url = new URL('policies', state.region.url);
      response = await fetch(url, { headers: signedGet(state, url), signal: AbortSignal.timeout(pageTimeoutMs) });
    } catch {
      throw new HarvestError('policies could not be fetched');
    }
    const body = (await response.json().catch(() => undefined)) as { region?: string; version?: string; policies?: Record<string, string> } | undefined;
    if (!response.ok || !body || body.region !== state.region.code || typeof body.policies !== 'object' || body.policies === null) {
      throw new HarvestError(`policies answered HTTP ${response.status} without a policy set of this region`);
    }
    if (body.version && body.version === policyVersion?.(state.region.code)) return;
    try {
      onPolicies(compileRegionPolicies(state.region.code, body.policies));
    } catch (error) {
      if (error instanceof InvalidPoliciesError) throw new HarvestError(`policies refused: ${error.problems[0]}`);
      throw error;
    }
  }

  function apply(change: Change, region: string): boolean {
    if (change.op === 'delete') {
      if (regionOfDatasetId(change.id) === region) index.remove(change.id);
      return true;
    }
    if (!isUsableRecord(change.dataset, region)) return false;
    index.upsert(change.dataset);
    return true;
  }

  async function harvestRegion(state: RegionHarvestState): Promise<void> {
    const code = state.region.code;
    const reconcileDue = !state.lastReconcileAt || Date.now() - state.lastReconcileAt.getTime() >= reconcileIntervalMs;
    let since = reconcileDue ? undefined : state.cursor;
    let seen: Set<string> | undefined;
    let skipped = 0;
    try {
      if (admit) {
        try {
          await admit(state.region, reconcileDue);
        } catch (error) {
          throw new HarvestError((error as Error).message);
        }
      }
      for (;;) {
        const page = await fetchPage(state, since);
        if (page.reset && !seen) seen = new Set();
        for (const change of page.changes) {
          if (!apply(change, code)) skipped += 1;
          else if (seen && change.op === 'upsert') seen.add(change.id);
        }
        since = page.cursor;
        if (!seen) state.cursor = since;
        if (!page.hasMore) break;
      }
      // Until a region's policies are in, none of its datasets is discoverable (fail closed).
      await harvestPolicies(state);
      if (seen) {
        for (const id of [...index.regionIds(code)]) if (!seen.has(id)) index.remove(id);
        state.cursor = since;
        state.lastReconcileAt = new Date();
      }
      state.lastSuccessAt = new Date();
      failuresInRow.delete(code);
      state.stale = false;
      state.lastError = skipped > 0 ? `skipped ${skipped} malformed record${skipped === 1 ? '' : 's'}` : undefined;
    } catch (error) {
      state.stale = true;
      state.lastError = error instanceof HarvestError ? error.message : `harvest failed: ${(error as Error).message}`;
      failuresInRow.set(code, (failuresInRow.get(code) ?? 0) + 1);
    } finally {
      state.lastHarvestAt = new Date();
    }
    if (states.get(code) === state) retryLater(code);
  }

  function harvest(code: string): Promise<void> {
    const state = states.get(code);
    if (!state) return Promise.reject(new Error(`No region "${code}" is registered with the catalogue.`));
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
    addRegion(region) {
      states.set(region.code, freshState(region));
    },
    async removeRegion(code) {
      if (!states.delete(code)) return false;
      clearTimeout(retries.get(code));
      retries.delete(code);
      failuresInRow.delete(code);
      // A harvest under way could put the region's datasets back; let it end first.
      await running.get(code)?.catch(() => undefined);
      for (const id of [...index.regionIds(code)]) index.remove(id);
      return true;
    },
    start() {
      if (intervalMs <= 0 || timer || disposed) return;
      timer = setInterval(() => void harvestAll(), intervalMs);
      timer.unref();
      for (const code of states.keys()) retryLater(code);
    },
    async [Symbol.asyncDispose]() {
      disposed = true;
      if (timer) clearInterval(timer);
      for (const retry of retries.values()) clearTimeout(retry);
      await Promise.allSettled(running.values());
    },
  };
}
