import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { foldText } from './analyzer.ts';
import { breadthBuckets, breadthUnit, withBreadthBucket } from './rankingRules.ts';
import type { Sortable } from './searchPaging.ts';

/**
 * Breadth across regions and one result per dataset published in several
 * formats, applied to a query's hits before a page is cut:
 *
 * - **Format groups.** Datasets of one region and publisher whose titles
 *   differ only by a format suffix (`Census2010 (KML)`, `Census2010
 *   (GEOJSON)`) are one result: the best ranked stands for the group and
 *   the others are its variants.
 * - **Region crowding**, as web search limits results per host: a region's
 *   first `perRegion` hits are in the first breadth bucket, its next ones in
 *   the second, and so on; hits past the last bucket keep their order after
 *   them. The bucket is a ranking rule below words matched and typos (see
 *   `rankingRules.ts`), so a region's best hit reaches the first page only
 *   when it matches as many words as well as the others there.
 *
 * Both read only the hits, which are in the consumer's scope: what a
 * hidden dataset holds changes neither.
 */

/** Hits of one region per breadth bucket. */
export const perRegion = 2;
/** A format suffix: a parenthesised code at the end of a title. */
const formatSuffix = /^(.*\S)\s*\(\s*([A-Za-z][A-Za-z0-9-]{1,9})\s*\)\s*$/;
/** Codes read as formats even when the record's distributions do not name them. */
const knownFormats = new Set(['KML', 'KMZ', 'GEOJSON', 'SHP', 'CSV', 'JSON', 'XLSX', 'XLS', 'PDF', 'XML', 'GML', 'WMS', 'WFS', 'API', 'PARQUET', 'GPKG']);

/** The format a record's title ends with and the rest of it, when it ends with one. */
export function formatSuffixOf(record: DatasetRecord): { base: string; format: string } | undefined {
  const match = formatSuffix.exec(record.title[0]?.value ?? '');
  if (!match) return undefined;
  const format = match[2]!.toUpperCase();
  if (!knownFormats.has(format) && !record.distributions.some((distribution) => distribution.format?.toUpperCase() === format)) return undefined;
  return { base: match[1]!, format };
}

/** The key datasets of one format group share: region, publisher and title without its format; undefined for a title with no format suffix. */
export function formatGroupKeyOf(record: DatasetRecord): string | undefined {
  const suffix = formatSuffixOf(record);
  return suffix ? JSON.stringify([record.region, record.publisher?.name ?? '', foldText(suffix.base).trim()]) : undefined;
}

export interface DiversifyOptions {
  crowdRegions: boolean;
  groupFormats: boolean;
}

/** A page of hits by relevance, with what the whole list of results holds. */
export interface RankedPage {
  /** The page's hits, best first: document and final key (breadth bucket included). */
  page: { doc: number; key: number }[];
  hasMore: boolean;
  /** Results: hits, a format group counted once. */
  count: number;
  /** For a hit standing for a format group, the group's other hits (documents), best first. */
  variants: Map<number, number[]>;
}

/** Hits a region keeps in breadth buckets before the last. */
export const regionKept = perRegion * (breadthBuckets - 1);

/** Hits `rankPage` picks a page of `limit` from, beside each region's best: `limit + 1` and the places the regions' best may take. */
export function pageCapacity(limit: number, crowdRegions: boolean, regions: number): number {
  return limit + 1 + (crowdRegions ? regionKept * regions : 0);
}

/**
 * The page of `limit` results after `after` (a cursor's key and id) among
 * `count` hits (`docs`, their `keys` with every rule but breadth) once
 * format groups fold and breadth buckets are set, in one pass that keeps
 * only the hits that can matter; the keys are left as they were.
 *
 * Format groups fold first: the best ranked member stands for the group.
 * Each region's best `regionKept` hits are its first breadth buckets; every other
 * hit is in the last, its key lowered by whole buckets. A hit in the last
 * bucket can reach the page only when fewer than `limit + 1` others in the
 * last bucket rank before it: so beside each region's best, a window of
 * the best `limit + 1 + regionKept × regions` hits in the last bucket after the
 * cursor is kept (the regions' best may take up to `regionKept × regions` of its
 * places), and the page is picked from these alone. Order is key, then id,
 * as paging's; `regionOf` and `groupOf` are per document (`groupOf` -1
 * for none), `regions` bounds `regionOf`.
 */
export function rankPage(
  docs: Int32Array,
  keys: Float64Array,
  count: number,
  regionOf: Uint16Array,
  regions: number,
  groupOf: Int32Array,
  idOf: (doc: number) => string,
  options: DiversifyOptions,
  after: Sortable | undefined,
  limit: number,
): RankedPage {
  // Whether hit i ranks before hit j (keys before breadth).
  const before = (i: number, j: number) => keys[i]! > keys[j]! || (keys[i] === keys[j] && idOf(docs[i]!) < idOf(docs[j]!));
  const { crowdRegions, groupFormats } = options;
  const last = breadthBuckets - 1;
  // A key in the last breadth bucket is its key less `unit` (as `withBreadthBucket` makes it).
  const unit = crowdRegions ? last * breadthUnit : 0;
  const isAfter = afterCursor(after, (i) => idOf(docs[i]!));
  // Per region (by number), its best `regionKept` hits so far, best first, and the key of a full list's last (-Infinity until full).
  const best: number[][] = [];
  const floors = regionFloors(regions);
  // The best hits by their key in the last bucket, after the cursor: `windowKeys` parallel, best first.
  const capacity = pageCapacity(limit, crowdRegions, regions);
  const window: number[] = [];
  const windowKeys: number[] = [];
  let windowFloor = -Infinity;
  const offer = (i: number) => {
    const key = keys[i]!;
    if (crowdRegions && key >= floors[regionOf[docs[i]!]!]!) {
      const region = regionOf[docs[i]!]!;
      const list = (best[region] ??= []);
      if (list.length < regionKept || before(i, list[regionKept - 1]!)) {
        let at = list.length;
        while (at > 0 && before(i, list[at - 1]!)) at -= 1;
        list.splice(at, 0, i);
        if (list.length > regionKept) list.pop();
        if (list.length === regionKept) floors[region] = keys[list[regionKept - 1]!]!;
      }
    }
    const low = key - unit;
    if (low < windowFloor || !isAfter(low, i)) return;
    if (window.length === capacity && !ranksBefore(low, i, windowKeys[capacity - 1]!, window[capacity - 1]!)) return;
    let at = window.length;
    while (at > 0 && ranksBefore(low, i, windowKeys[at - 1]!, window[at - 1]!)) at -= 1;
    window.splice(at, 0, i);
    windowKeys.splice(at, 0, low);
    if (window.length > capacity) {
      window.pop();
      windowKeys.pop();
    }
    if (window.length === capacity) windowFloor = windowKeys[capacity - 1]!;
  };
  // Whether hit i with key a ranks before hit j with key b.
  const ranksBefore = (a: number, i: number, b: number, j: number) => a > b || (a === b && idOf(docs[i]!) < idOf(docs[j]!));
  const members = new Map<number, number[]>();
  const groups = groupFormats ? groupOf : undefined;
  const regionFloorsOf = crowdRegions ? regionOf : undefined;
  for (let i = nextToOffer(docs, keys, 0, count, groups, regionFloorsOf, floors, unit, windowFloor); i < count; i = nextToOffer(docs, keys, i + 1, count, groups, regionFloorsOf, floors, unit, windowFloor)) {
    const doc = docs[i]!;
    const group = groups ? groups[doc]! : -1;
    if (group < 0) {
      offer(i);
      continue;
    }
    const list = members.get(group);
    if (list) list.push(i);
    else members.set(group, [i]);
  }
  const variants = new Map<number, number[]>();
  let results = count;
  for (const list of members.values()) {
    if (list.length > 1) {
      list.sort((i, j) => (before(i, j) ? -1 : 1));
      variants.set(docs[list[0]!]!, list.slice(1).map((i) => docs[i]!));
      results -= list.length - 1;
    }
    offer(list[0]!);
  }
  // The final key of each region's best (whole multiples of the unit, as every hit's: exact), and of the window's others.
  const finalKeys = new Map<number, number>();
  for (const list of best) {
    list?.forEach((i, rank) => finalKeys.set(i, withBreadthBucket(withBreadthBucket(keys[i]!, last), Math.floor(rank / perRegion) - last)));
  }
  window.forEach((i, at) => {
    if (!finalKeys.has(i)) finalKeys.set(i, windowKeys[at]!);
  });
  const candidates = [...finalKeys].filter(([i, key]) => isAfter(key, i));
  candidates.sort(([i, a], [j, b]) => (ranksBefore(a, i, b, j) ? -1 : 1));
  return {
    page: candidates.slice(0, limit).map(([i, key]) => ({ doc: docs[i]!, key })),
    hasMore: candidates.length > limit,
    count: results,
    variants,
  };
}

/**
 * The first hit from `from` that `rankPage` must look at: one of a format
 * group (`groupOf`, when groups fold), or one whose key reaches its
 * region's floor (with `regionOf`, when regions are crowded) or, lowered
 * by `unit`, the window's floor. Most hits of a long list are below both:
 * this loop passes them over with two comparisons each, in a function of
 * its own so that it is compiled as the tight loop it is.
 */
function nextToOffer(
  docs: Int32Array,
  keys: Float64Array,
  from: number,
  count: number,
  groupOf: Int32Array | undefined,
  regionOf: Uint16Array | undefined,
  floors: Float64Array,
  unit: number,
  windowFloor: number,
): number {
  for (let i = from; i < count; i += 1) {
    const doc = docs[i]!;
    if (groupOf !== undefined && groupOf[doc]! >= 0) return i;
    const key = keys[i]!;
    if ((regionOf !== undefined && key >= floors[regionOf[doc]!]!) || key - unit >= windowFloor) return i;
  }
  return count;
}

/**
 * Whether hit `i` with final key `key` comes after the cursor, as paging
 * orders them: key descending, then id. A cursor's key that is not a
 * number (one made for another sort) compares as paging compares it: ties
 * come before it, and a key that is no number at all has nothing after it.
 */
function afterCursor(after: Sortable | undefined, idAt: (i: number) => string): (key: number, i: number) => boolean {
  if (!after) return () => true;
  const { key: afterKey, id: afterId } = after;
  if (typeof afterKey !== 'number') {
    const numeric = Number(afterKey);
    return (key) => key < numeric;
  }
  return (key, i) => key < afterKey || (key === afterKey && idAt(i) > afterId);
}

/** Per region number, the key a hit must reach to enter its region's list: reused (searches run one at a time). */
let floorScratch = new Float64Array(64).fill(-Infinity);
/** The floors, all -Infinity, for regions below `regions`. */
function regionFloors(regions: number): Float64Array {
  if (floorScratch.length < regions) floorScratch = new Float64Array(regions * 2);
  return floorScratch.fill(-Infinity);
}
