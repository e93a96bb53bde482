import type { RegionEntry } from '../../schema/regionEntry.ts';

/**
 * A region's harvest state in its three forms: as the harvester keeps it in memory, as operators read
 * it (`GET /admin/regions`), and as the durable catalogue stores it for every replica and the next leader.
 */

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
 * A region's harvest state as the durable catalogue keeps it, so that every
 * replica shows it and a new leader resumes where the last one stopped.
 */
export interface StoredHarvestState {
  /** The region address the state was read from: a region registered elsewhere starts afresh. */
  url: string;
  /** Feed position after the last change stored; null until the first snapshot. */
  cursor: string | null;
  reconciledAt: Date | null;
  /** The last harvest's outcome; null before the first. */
  status: (Omit<RegionHarvestStatus, 'lastReconcileAt'> & { lastHarvestAt: string | null }) | null;
}

/** Skipped records listed per region; the count covers them all. */
export const maxSkippedReported = 10;

/** The state of a region never harvested. */
export function freshHarvestState(region: RegionEntry): RegionHarvestState {
  return {
    region,
    cursor: undefined,
    lastHarvestAt: undefined,
    lastSuccessAt: undefined,
    lastError: undefined,
    stale: false,
    lastReconcileAt: undefined,
    skippedRecords: 0,
    skipped: [],
  };
}

/** The operator's view of a region's state. */
export function harvestStatusOf(state: RegionHarvestState): RegionHarvestStatus {
  return {
    stale: state.stale,
    lastError: state.lastError ?? null,
    lastHarvestAt: state.lastHarvestAt?.toISOString() ?? null,
    lastSuccessAt: state.lastSuccessAt?.toISOString() ?? null,
    lastReconcileAt: state.lastReconcileAt?.toISOString() ?? null,
    skippedRecords: state.skippedRecords,
    skipped: state.skipped,
  };
}

/** Puts a stored harvest state into a region's in-memory one. */
export function applyStoredHarvestState(state: RegionHarvestState, kept: StoredHarvestState): void {
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
