import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import type { RegionEntry } from '../../schema/regionEntry.ts';
import type { RegionPolicies } from '../shared/access/loadRegionPolicies.ts';
import type { CatalogueIndex } from './createCatalogueIndex.ts';
import type { RegionHarvestState } from './regionHarvestState.ts';

// The durable catalogue reads and writes it through its sink.
export type { StoredHarvestState } from './regionHarvestState.ts';

/** A change that passed every check of the harvester, ready for the catalogue. */
export type ValidChange = { op: 'upsert'; id: string; record: DatasetRecord } | { op: 'delete'; id: string };

/**
 * Where the harvester puts what it harvested. Each call is whole or nothing:
 * when it throws, nothing of it was taken (and the harvester's cursor does
 * not move). In one process the sink is the index itself (`indexSink`); in
 * a durable catalogue it is PostgreSQL, from where every replica applies it.
 */
export interface HarvestSink {
  /** An incremental page's changes, with the feed cursor after them. */
  applyPage(region: RegionEntry, changes: readonly ValidChange[], cursor: string): Promise<void> | void;
  /**
   * A full snapshot's outcome: the region's datasets the snapshot lacks
   * (`removals`), the records that differ from the catalogue's, the cursor
   * after it and when it was taken.
   */
  applySnapshot(region: RegionEntry, removals: readonly string[], upserts: readonly DatasetRecord[], cursor: string, reconciledAt: Date): Promise<void> | void;
  /** The region's policies, validated, when new or changed. */
  applyPolicies(region: RegionEntry, policies: RegionPolicies): Promise<void> | void;
  /** How one harvest of the region ended (for every replica's `Query.regions` and the admin API). */
  recordOutcome?(state: RegionHarvestState): Promise<void>;
  /** The region was removed from the catalogue: its datasets go. */
  removeRegion(code: string): Promise<void> | void;
}

/**
 * The sink's store could not take a change (the catalogue's database is
 * down, or this replica is no longer its leader). Not the region's fault:
 * the harvest ends without marking the region stale, and the next leader
 * harvests again from the last stored cursor.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Datasets of a snapshot put into the index before the event loop is let go (as a durable replica puts them). */
const putsPerTurn = 1000;

/** The one-process sink: changes go straight into the index, policies to `onPolicies`. */
export function indexSink(index: CatalogueIndex, onPolicies?: (policies: RegionPolicies) => void): HarvestSink {
  return {
    applyPage(_region, changes) {
      for (const change of changes) {
        if (change.op === 'delete') index.remove(change.id);
        else index.upsert(change.record);
      }
    },
    async applySnapshot(_region, removals, upserts) {
      for (const id of removals) index.remove(id);
      // A large region's snapshot takes seconds to index: requests, timers and the other regions' feeds are served meanwhile.
      for (let i = 0; i < upserts.length; i += 1) {
        index.upsert(upserts[i]!);
        if ((i + 1) % putsPerTurn === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    },
    applyPolicies(_region, policies) {
      onPolicies?.(policies);
    },
    removeRegion(code) {
      for (const id of [...index.regionIds(code)]) index.remove(id);
    },
  };
}
