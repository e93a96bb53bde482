import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { Bitset } from './bitset.ts';

/** Fields a search can be filtered and faceted on. */
export const facetFields = ['region', 'theme', 'publisher', 'format', 'license', 'keyword'] as const;
export type FacetField = (typeof facetFields)[number];

/** The values a record has for each facet field, de-duplicated. */
export function facetValuesOf(record: DatasetRecord): Record<FacetField, string[]> {
  const unique = (values: (string | undefined)[]) => [...new Set(values.filter((value): value is string => !!value))];
  return {
    region: [record.region],
    theme: unique(record.themes),
    publisher: unique([record.publisher?.name]),
    format: unique(record.distributions.map((distribution) => distribution.format?.toUpperCase())),
    license: unique([record.license]),
    keyword: unique(record.keywords),
  };
}

export interface FacetCount {
  value: string;
  count: number;
}

/** Above this many distinct values a field is counted from the hits, not by one AND per value. */
const bitsetCountingMaxValues = 512;
/** For a high-cardinality field and a large hit set, only the globally most common values are counted. */
const largeHitSet = 20_000;
const commonValuesCounted = 256;

/**
 * Per field, per value: the documents that have it, as a bitset, plus each
 * document's values for counting from a small hit set.
 */
export class FacetIndex {
  private readonly postings = new Map<FacetField, Map<string, { docs: Bitset; size: number }>>(
    facetFields.map((field) => [field, new Map()]),
  );
  private readonly valuesByDoc: (Record<FacetField, string[]> | undefined)[] = [];

  add(doc: number, record: DatasetRecord): void {
    const values = facetValuesOf(record);
    this.valuesByDoc[doc] = values;
    for (const field of facetFields) {
      const byValue = this.postings.get(field)!;
      for (const value of values[field]) {
        let posting = byValue.get(value);
        if (!posting) byValue.set(value, (posting = { docs: new Bitset(), size: 0 }));
        posting.docs.add(doc);
        posting.size += 1;
      }
    }
  }

  remove(doc: number): void {
    const values = this.valuesByDoc[doc];
    if (!values) return;
    this.valuesByDoc[doc] = undefined;
    for (const field of facetFields) {
      const byValue = this.postings.get(field)!;
      for (const value of values[field]) {
        const posting = byValue.get(value)!;
        posting.docs.delete(doc);
        posting.size -= 1;
        if (posting.size === 0) byValue.delete(value);
      }
    }
  }

  /** Documents having any of `values` in `field` (an OR), or an empty set. */
  anyOf(field: FacetField, values: readonly string[]): Bitset {
    const result = new Bitset();
    for (const value of values) {
      const posting = this.postings.get(field)!.get(value);
      if (posting) result.or(posting.docs);
    }
    return result;
  }

  /**
   * The `limit` most frequent values of each field among `hits` (a bitset of
   * the hits and their doc numbers), counts exact for every value returned.
   */
  count(hits: Bitset, hitDocs: readonly number[], limit: number): Record<FacetField, FacetCount[]> {
    const result = {} as Record<FacetField, FacetCount[]>;
    for (const field of facetFields) {
      const byValue = this.postings.get(field)!;
      let counts: FacetCount[];
      if (byValue.size <= bitsetCountingMaxValues) {
        counts = [];
        for (const [value, posting] of byValue) {
          const count = hits.andCount(posting.docs);
          if (count > 0) counts.push({ value, count });
        }
      } else if (hitDocs.length <= largeHitSet) {
        const tally = new Map<string, number>();
        for (const doc of hitDocs) for (const value of this.valuesByDoc[doc]![field]) tally.set(value, (tally.get(value) ?? 0) + 1);
        counts = [...tally].map(([value, count]) => ({ value, count }));
      } else {
        counts = [...byValue]
          .sort((a, b) => b[1].size - a[1].size)
          .slice(0, commonValuesCounted)
          .map(([value, posting]) => ({ value, count: hits.andCount(posting.docs) }))
          .filter((entry) => entry.count > 0);
      }
      result[field] = counts.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, limit);
    }
    return result;
  }
}
