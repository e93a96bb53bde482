import type { Bitset } from './bitset.ts';
import type { Postings } from './postings.ts';

/**
 * Documents in one chunk of a walk: a chunk's scratch (masks, spans, score
 * and field lengths, 36 bytes a document: 590 kB) stays in cache while
 * every list's entries in it are visited. Chunks of 2^14, 2^15 and 2^16
 * documents measured alike at a million (bench/RESULTS.md).
 */
const chunkDocs = 1 << 14;

/**
 * Visits the entries of `lists` whose documents are in `docs` (`docCount`
 * of them): `visit(l, from, to)` is given positions `from` to `to` of
 * `scratch.entries`, entries of list `l`. The document space is walked in
 * chunks of `chunkDocs`, each list's entries in a chunk in the lists'
 * order: every document's entries are visited in that order, as a walk
 * list by list would, but the scratch of the documents at hand is still
 * in cache when the next list's entries reach them, instead of being read
 * again from memory once per list. A list not ascending (after documents
 * were renumbered) is walked whole, and then so is every list.
 *
 * With `direct` (a superset of `docs` holding every entry's document in
 * `docs` or not at all: a query of one word, whose hits are its lists'
 * documents in scope), positions are the lists' own, unfiltered: the
 * visitor tests each entry against `direct`, and the positions are never
 * gathered.
 */
export function walkLists(
  lists: readonly { list: Postings }[],
  docs: Bitset,
  docCount: number,
  scratch: { entries: Int32Array },
  visit: (l: number, from: number, to: number) => void,
  direct?: Bitset,
): void {
  if (direct) {
    if (!lists.every(({ list }) => list.ascending)) {
      for (let l = 0; l < lists.length; l += 1) visit(l, 0, lists[l]!.list.length);
      return;
    }
    const at = lists.map(() => 0);
    for (let limit = chunkDocs, left = true; left; limit += chunkDocs) {
      left = false;
      for (let l = 0; l < lists.length; l += 1) {
        const { list } = lists[l]!;
        const from = at[l]!;
        if (from >= list.length) continue;
        const to = list.seek(limit, from);
        if (to > from) visit(l, from, to);
        at[l] = to;
        if (to < list.length) left = true;
      }
    }
    return;
  }
  const total = lists.reduce((sum, { list }) => sum + list.length, 0);
  if (scratch.entries.length < total) scratch.entries = new Int32Array(Math.max(total, scratch.entries.length * 2));
  const ends = lists.map(() => 0);
  let walked = 0;
  for (let l = 0; l < lists.length; l += 1) {
    walked += entriesIn(lists[l]!.list, docs, docCount, scratch.entries, walked);
    ends[l] = walked;
  }
  const starts = ends.map((_, l) => (l === 0 ? 0 : ends[l - 1]!));
  if (!lists.every(({ list }) => list.ascending)) {
    for (let l = 0; l < lists.length; l += 1) if (starts[l]! < ends[l]!) visit(l, starts[l]!, ends[l]!);
    return;
  }
  const entries = scratch.entries;
  for (let limit = chunkDocs, left = true; left; limit += chunkDocs) {
    left = false;
    for (let l = 0; l < lists.length; l += 1) {
      const from = starts[l]!;
      const end = ends[l]!;
      if (from === end) continue;
      const listDocs = lists[l]!.list.docs;
      // The first of the list's entries from `from` in a later chunk.
      let to = from;
      let high = end;
      while (to < high) {
        const middle = (to + high) >>> 1;
        if (listDocs[entries[middle]!]! < limit) to = middle + 1;
        else high = middle;
      }
      if (to > from) visit(l, from, to);
      starts[l] = to;
      if (to < end) left = true;
    }
  }
}

/**
 * The entries of `list` whose documents are in `docs` (`docCount` of them),
 * as positions in list order, into `entries` from `offset`; returns how
 * many. A list much longer than the documents is sought into instead of
 * read whole: seeking costs a few steps per document, reading one per
 * entry.
 */
function entriesIn(list: Postings, docs: Bitset, docCount: number, entries: Int32Array, offset: number): number {
  const { docs: listDocs, length } = list;
  const words = docs.words;
  let count = offset;
  if (list.ascending && docCount * 8 < length) {
    let at = 0;
    for (let w = 0; w < words.length && at < length; w += 1) {
      let bits = words[w]!;
      while (bits !== 0) {
        const lowBit = bits & -bits;
        bits ^= lowBit;
        const doc = (w << 5) + 31 - Math.clz32(lowBit);
        at = list.seek(doc, at);
        if (at >= length) break;
        if (listDocs[at] === doc) entries[count++] = at;
      }
    }
    return count - offset;
  }
  for (let j = 0; j < length; j += 1) {
    const doc = listDocs[j]!;
    const word = doc >>> 5;
    if (word < words.length && (words[word]! & (1 << (doc & 31))) !== 0) entries[count++] = j;
  }
  return count - offset;
}
