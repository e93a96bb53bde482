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

/**
 * The documents having one facet value. Rare values (most keywords) keep a
 * plain list, common ones a bitset: one bitset per value would cost
 * maxDoc/8 bytes for every keyword ever seen.
 */
class ValuePosting {
  private list: number[] | undefined = [];
  private bits: Bitset | undefined;
  size = 0;

  static readonly promoteAt = 2048;

  add(doc: number): void {
    this.size += 1;
    if (this.bits) return this.bits.add(doc);
    this.list!.push(doc);
    if (this.list!.length >= ValuePosting.promoteAt) {
      this.bits = new Bitset();
      for (const each of this.list!) this.bits.add(each);
      this.list = undefined;
    }
  }

  delete(doc: number): void {
    this.size -= 1;
    if (this.bits) return this.bits.delete(doc);
    const at = this.list!.indexOf(doc);
    if (at >= 0) {
      this.list![at] = this.list![this.list!.length - 1]!;
      this.list!.pop();
    }
  }

  orInto(target: Bitset): void {
    if (this.bits) target.or(this.bits);
    else for (const doc of this.list!) target.add(doc);
  }

  countIn(hits: Bitset): number {
    if (this.bits) return hits.andCount(this.bits);
    let count = 0;
    for (const doc of this.list!) if (hits.has(doc)) count += 1;
    return count;
  }
}

/** A hit set denser than this share of the documents is counted by bitset ANDs, one per value. */
const denseShare = 1 / 16;
/** For a high-cardinality field and a very large hit set, only the globally most common values are counted. */
const largeHitSet = 200_000;
const commonValuesCounted = 256;

/** One facet field: its values numbered, each value's documents, each document's value numbers. */
class FieldFacets {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  readonly postings: (ValuePosting | undefined)[] = [];
  readonly docValues: (Int32Array | undefined)[] = [];
  distinct = 0;
  private tally = new Int32Array(64);
  private common: number[] | undefined;

  add(doc: number, values: readonly string[]): void {
    const ids = new Int32Array(values.length);
    values.forEach((value, i) => {
      let id = this.ids.get(value);
      if (id === undefined) {
        id = this.values.length;
        this.ids.set(value, id);
        this.values.push(value);
      }
      let posting = this.postings[id];
      if (!posting) {
        this.postings[id] = posting = new ValuePosting();
        this.distinct += 1;
      }
      posting.add(doc);
      ids[i] = id;
    });
    this.docValues[doc] = ids;
    this.common = undefined;
  }

  remove(doc: number): void {
    const ids = this.docValues[doc];
    if (!ids) return;
    this.docValues[doc] = undefined;
    for (const id of ids) {
      const posting = this.postings[id]!;
      posting.delete(doc);
      if (posting.size === 0) {
        this.postings[id] = undefined;
        this.distinct -= 1;
      }
    }
    this.common = undefined;
  }

  posting(value: string): ValuePosting | undefined {
    const id = this.ids.get(value);
    return id === undefined ? undefined : this.postings[id];
  }

  /** Value counts among the hits, as [value id, count] pairs. */
  count(hits: Bitset, hitDocs: ArrayLike<number>, documentCount: number): [number, number][] {
    const out: [number, number][] = [];
    if (hitDocs.length > documentCount * denseShare && this.distinct <= commonValuesCounted) {
      this.postings.forEach((posting, id) => {
        const count = posting ? posting.countIn(hits) : 0;
        if (count > 0) out.push([id, count]);
      });
      return out;
    }
    if (hitDocs.length > largeHitSet) {
      this.common ??= this.postings
        .map((posting, id) => [id, posting?.size ?? 0] as const)
        .filter(([, size]) => size > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, commonValuesCounted)
        .map(([id]) => id);
      for (const id of this.common) {
        const count = this.postings[id]!.countIn(hits);
        if (count > 0) out.push([id, count]);
      }
      return out;
    }
    if (this.tally.length < this.values.length) this.tally = new Int32Array(this.values.length * 2);
    const tally = this.tally;
    const touched: number[] = [];
    for (let i = 0; i < hitDocs.length; i += 1) {
      const ids = this.docValues[hitDocs[i]!]!;
      for (let k = 0; k < ids.length; k += 1) {
        const id = ids[k]!;
        if (tally[id] === 0) touched.push(id);
        tally[id]! += 1;
      }
    }
    for (const id of touched) {
      out.push([id, tally[id]!]);
      tally[id] = 0;
    }
    return out;
  }
}

/**
 * Per field, per value: the documents that have it, and each document's
 * values, so a search counts facets over its whole hit set: by bitset ANDs
 * when the hits are many and the values few, by a typed tally otherwise.
 */
export class FacetIndex {
  private readonly fields = new Map<FacetField, FieldFacets>(facetFields.map((field) => [field, new FieldFacets()]));
  private documentCount = 0;

  add(doc: number, record: DatasetRecord): void {
    const values = facetValuesOf(record);
    for (const field of facetFields) this.fields.get(field)!.add(doc, values[field]);
    this.documentCount += 1;
  }

  remove(doc: number): void {
    for (const field of facetFields) this.fields.get(field)!.remove(doc);
    this.documentCount -= 1;
  }

  /** Documents having any of `values` in `field` (an OR), or an empty set. */
  anyOf(field: FacetField, values: readonly string[]): Bitset {
    const result = new Bitset();
    for (const value of values) this.fields.get(field)!.posting(value)?.orInto(result);
    return result;
  }

  /**
   * The `limit` most frequent values of each field among the hits (given as
   * a bitset and as a list), counts exact for every value returned.
   */
  count(hits: Bitset, hitDocs: ArrayLike<number>, limit: number): Record<FacetField, FacetCount[]> {
    const result = {} as Record<FacetField, FacetCount[]>;
    for (const field of facetFields) {
      const facets = this.fields.get(field)!;
      const counts = facets.count(hits, hitDocs, this.documentCount);
      counts.sort((a, b) => b[1] - a[1] || (facets.values[a[0]]! < facets.values[b[0]]! ? -1 : 1));
      result[field] = counts.slice(0, limit).map(([id, count]) => ({ value: facets.values[id]!, count }));
    }
    return result;
  }
}
