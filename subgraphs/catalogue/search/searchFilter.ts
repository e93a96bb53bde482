import { Bitset } from './bitset.ts';
import { facetFields, type FacetField, type FacetIndex } from './facetIndex.ts';

/** A filter: every listed field must match (AND); within a field any value (OR); plus extra OR groups. */
export interface SearchFilter {
  fields?: Partial<Record<FacetField, readonly string[]>>;
  /** Each group must match; within a group, any condition. */
  anyOf?: readonly (readonly { field: FacetField; value: string }[])[];
  modifiedFrom?: number;
  modifiedTo?: number;
}

/** Bitsets a search reuses (searches run one at a time): every search would otherwise allocate a few, outside the heap. */
export interface FilterScratch {
  admitted: Bitset;
  values: Bitset;
  union: Bitset;
}

export const filterScratch = (): FilterScratch => ({ admitted: new Bitset(), values: new Bitset(), union: new Bitset() });

/**
 * The live documents a filter admits, intersected with `within` (the
 * consumer's discoverable set), as a bitset (`scratch.admitted`, valid until
 * the next search); undefined when nothing restricts them at all.
 */
export function admittedDocuments(
  filter: SearchFilter | undefined,
  within: Bitset | undefined,
  live: Bitset,
  facets: FacetIndex,
  modified: Float64Array,
  scratch: FilterScratch,
): Bitset | undefined {
  const byField = facetFields.filter((field) => (filter?.fields?.[field]?.length ?? 0) > 0);
  const dated = filter?.modifiedFrom !== undefined || filter?.modifiedTo !== undefined;
  if (byField.length === 0 && !filter?.anyOf?.length && !dated) return within ? scratch.admitted.copyFrom(within).and(live) : undefined;
  const admitted = scratch.admitted.copyFrom(live);
  if (within) admitted.and(within);
  for (const field of byField) admitted.and(facets.anyOf(field, filter!.fields![field]!, scratch.values));
  for (const group of filter?.anyOf ?? []) {
    const union = scratch.union.clear();
    for (const condition of group) union.or(facets.anyOf(condition.field, [condition.value], scratch.values));
    admitted.and(union);
  }
  if (dated) {
    const from = filter!.modifiedFrom ?? -Infinity;
    const to = filter!.modifiedTo ?? Infinity;
    const words = admitted.words;
    for (let w = 0; w < words.length; w += 1) {
      let bits = words[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const time = modified[(w << 5) + 31 - Math.clz32(low)]!;
        if (time === 0 || time < from || time > to) words[w]! &= ~low;
      }
    }
  }
  return admitted;
}
