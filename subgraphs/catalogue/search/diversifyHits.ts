import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { foldText } from './analyzer.ts';
import { breadthBuckets, withBreadthBucket } from './rankingRules.ts';

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

/** Per region number, the key a hit must reach to enter its region's list: reused (searches run one at a time). */
let floorScratch = new Float64Array(64);
/** The floors, all -Infinity, with room for regions below `regions`. */
function regionFloors(regions: number): Float64Array {
  if (floorScratch.length < regions) {
    const grown = new Float64Array(regions * 2).fill(-Infinity);
    grown.set(floorScratch);
    return (floorScratch = grown);
  }
  return regions === 0 ? floorScratch.fill(-Infinity) : floorScratch;
}

export interface DiversifyOptions {
  crowdRegions: boolean;
  groupFormats: boolean;
}

/** The hits as `diversifyHits` leaves them: fewer when groups folded, with each group's other members. */
export interface Diversified {
  count: number;
  /** For a hit standing for a format group, the group's other hits (documents), best first. */
  variants: Map<number, number[]>;
}

/**
 * Folds format groups and sets breadth buckets on `count` hits (`docs`,
 * their `keys`, compacted in place). `regionOf` and `groupOf` are per
 * document (`groupOf` -1 for none); `idOf` breaks ties as paging does.
 */
export function diversifyHits(
  docs: Int32Array,
  keys: Float64Array,
  count: number,
  regionOf: Uint16Array,
  groupOf: Int32Array,
  idOf: (doc: number) => string,
  options: DiversifyOptions,
): Diversified {
  // Whether hit i ranks before hit j.
  const before = (i: number, j: number) => keys[i]! > keys[j]! || (keys[i] === keys[j] && idOf(docs[i]!) < idOf(docs[j]!));
  const variants = new Map<number, number[]>();
  if (options.groupFormats) {
    const members = new Map<number, number[]>();
    for (let i = 0; i < count; i += 1) {
      const group = groupOf[docs[i]!]!;
      if (group < 0) continue;
      const list = members.get(group);
      if (list) list.push(i);
      else members.set(group, [i]);
    }
    const dropped = new Set<number>();
    for (const list of members.values()) {
      if (list.length < 2) continue;
      list.sort((i, j) => (before(i, j) ? -1 : 1));
      variants.set(docs[list[0]!]!, list.slice(1).map((i) => docs[i]!));
      for (const i of list.slice(1)) dropped.add(i);
    }
    if (dropped.size > 0) {
      let write = 0;
      for (let read = 0; read < count; read += 1) {
        if (dropped.has(read)) continue;
        docs[write] = docs[read]!;
        keys[write] = keys[read]!;
        write += 1;
      }
      count = write;
    }
  }
  if (options.crowdRegions) {
    const kept = perRegion * (breadthBuckets - 1);
    // Per region (by number), its best `kept` hits so far, best first, and the key of a full list's last (-Infinity until full).
    const best: number[][] = [];
    let floors = regionFloors(0);
    for (let i = 0; i < count; i += 1) {
      const key = keys[i]!;
      const region = regionOf[docs[i]!]!;
      if (region >= floors.length) floors = regionFloors(region + 1);
      // Most hits fall below a full list's last: one comparison of keys rejects them.
      if (key < floors[region]!) continue;
      const list = (best[region] ??= []);
      if (list.length === kept && !before(i, list[kept - 1]!)) continue;
      let at = list.length;
      while (at > 0 && before(i, list[at - 1]!)) at -= 1;
      list.splice(at, 0, i);
      if (list.length > kept) list.pop();
      if (list.length === kept) floors[region] = keys[list[kept - 1]!]!;
    }
    // Every hit to the last bucket, then each region's first ones back up to theirs (whole multiples of the unit: exact).
    const last = breadthBuckets - 1;
    for (let i = 0; i < count; i += 1) keys[i] = withBreadthBucket(keys[i]!, last);
    for (const list of best) {
      if (!list) continue;
      list.forEach((i, rank) => {
        keys[i] = withBreadthBucket(keys[i]!, Math.floor(rank / perRegion) - last);
      });
    }
  }
  return { count, variants };
}
