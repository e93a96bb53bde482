import { Bitset } from './bitset.ts';

/** From this many entries a list grows by a quarter, not double: the longest lists hold most of the entries. */
const largeList = 65536;
/** A list keeps its documents as a bitset too from this many entries, and once they are a 32nd of the document numbers (the bitset is then at most half the list's size). */
export const postingBitsetFrom = 4096;

/** The first position in [`from`, `length`) of ascending `values` holding `value` or more: galloping, then halving. */
export function seekAscending(values: Int32Array, length: number, value: number, from = 0): number {
  let step = 1;
  let low = from;
  while (low + step < length && values[low + step]! < value) {
    low += step;
    step *= 2;
  }
  if (low < length && values[low]! >= value) return low;
  let high = Math.min(length, low + step + 1);
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Positions a `subset` keeps, reused (searches run one at a time). */
let keptScratch = new Int32Array(1024);

/**
 * The posting list of one term: document numbers with the term's frequency
 * in each text field packed into one 32-bit word (8 bits a field, saturating
 * at 255). Typed arrays, appended in place, so scoring a common term over
 * tens of thousands of documents is a tight loop, not a walk over Maps.
 */
export class Postings {
  docs: Int32Array;
  tfs: Uint32Array;
  /** Per entry, the term's first position in the document's title plus one, 0 when not in it (see `termFrequencies`): proximity reads it. */
  titlePositions: Uint8Array;
  /**
   * The stemmed languages (bit i: `stemmedLanguages[i]`) of the texts the
   * term came from in each entry's document, which a stem expansion is
   * checked against (`entriesInLanguages`): one mask for the whole list while every
   * entry has the same (most terms come from one language's texts), an
   * array parallel to `docs` once they differ.
   */
  languageMask = 0;
  languages: Uint8Array | undefined;
  length = 0;
  /**
   * Whether the documents are ascending, as appends of new documents keep
   * them; a reused document number (after compaction) ends that, and
   * searches then read the whole list instead of seeking in it.
   */
  ascending = true;
  /** The list's documents as a set, for a common term (see `bitsetFrom`): removed documents stay until compaction, as in the list. */
  bits: Bitset | undefined;
  /**
   * Per field, the highest frequency and the shortest field length among
   * the entries having the term in that field: the ingredients of an upper
   * bound on the term's score in any document. Removals leave them as they
   * were, which keeps them bounds.
   */
  readonly peakTf = new Uint8Array(4);
  readonly shortestLength = new Uint16Array(4).fill(65535);

  constructor(
    capacity = 4,
    private readonly bitsetFrom = postingBitsetFrom,
  ) {
    this.docs = new Int32Array(capacity);
    this.tfs = new Uint32Array(capacity);
    this.titlePositions = new Uint8Array(capacity);
  }

  /** Appends `doc`, whose field lengths are `lengths[offset..offset + 3]`, holding the term in texts of the stemmed languages `languages`, with `documentNumbers` in use. */
  push(doc: number, packedTf: number, titlePosition: number, languages: number, lengths: Uint16Array, offset: number, documentNumbers = 0): void {
    if (this.bits) this.bits.add(doc);
    else if (this.length + 1 >= this.bitsetFrom && (this.length + 1) * 32 >= documentNumbers) {
      this.bits = new Bitset(documentNumbers);
      for (let i = 0; i < this.length; i += 1) this.bits.add(this.docs[i]!);
      this.bits.add(doc);
    }
    for (let f = 0; f < 4; f += 1) {
      const tf = (packedTf >>> (f * 8)) & 0xff;
      if (tf === 0) continue;
      if (tf > this.peakTf[f]!) this.peakTf[f] = tf;
      if (lengths[offset + f]! < this.shortestLength[f]!) this.shortestLength[f] = lengths[offset + f]!;
    }
    if (this.length === this.docs.length) {
      const capacity = this.docs.length < largeList ? this.docs.length * 2 : Math.ceil(this.docs.length * 1.25);
      const docs = new Int32Array(capacity);
      docs.set(this.docs);
      const tfs = new Uint32Array(capacity);
      tfs.set(this.tfs);
      const titlePositions = new Uint8Array(capacity);
      titlePositions.set(this.titlePositions);
      this.docs = docs;
      this.tfs = tfs;
      this.titlePositions = titlePositions;
      if (this.languages) {
        const grown = new Uint8Array(capacity);
        grown.set(this.languages);
        this.languages = grown;
      }
    }
    if (this.length === 0) this.languageMask = languages;
    else if (!this.languages && languages !== this.languageMask) this.languages = new Uint8Array(this.docs.length).fill(this.languageMask, 0, this.length);
    if (this.languages) this.languages[this.length] = languages;
    if (this.length > 0 && doc < this.docs[this.length - 1]!) this.ascending = false;
    this.docs[this.length] = doc;
    this.tfs[this.length] = packedTf;
    this.titlePositions[this.length] = titlePosition;
    this.length += 1;
  }

  /** The first position from `from` whose document is `doc` or more, in an ascending list. */
  seek(doc: number, from = 0): number {
    return seekAscending(this.docs, this.length, doc, from);
  }

  /**
   * The entries `keep` admits (by position), in order, as a list of their
   * own (without a bitset); its bounds are this list's, which bound any
   * subset of it.
   */
  subset(keep: (j: number) => boolean): Postings {
    // The positions kept first, so the copy is allocated at its size: a few entries of a long list cost a few entries.
    if (keptScratch.length < this.length) keptScratch = new Int32Array(Math.max(this.length, keptScratch.length * 2));
    let kept = 0;
    for (let j = 0; j < this.length; j += 1) if (keep(j)) keptScratch[kept++] = j;
    const out = new Postings(Math.max(4, kept));
    out.languageMask = this.languageMask;
    if (this.languages) out.languages = new Uint8Array(out.docs.length);
    for (let k = 0; k < kept; k += 1) {
      const j = keptScratch[k]!;
      const doc = this.docs[j]!;
      if (out.length > 0 && doc < out.docs[out.length - 1]!) out.ascending = false;
      out.docs[out.length] = doc;
      out.tfs[out.length] = this.tfs[j]!;
      out.titlePositions[out.length] = this.titlePositions[j]!;
      if (out.languages) out.languages[out.length] = this.languages![j]!;
      out.length += 1;
    }
    out.peakTf.set(this.peakTf);
    out.shortestLength.set(this.shortestLength);
    return out;
  }

  /** Drops the entries of documents `keep` rejects; returns how many went. */
  compact(keep: (doc: number) => boolean): number {
    let write = 0;
    for (let read = 0; read < this.length; read += 1) {
      const doc = this.docs[read]!;
      if (!keep(doc)) continue;
      this.docs[write] = doc;
      this.tfs[write] = this.tfs[read]!;
      this.titlePositions[write] = this.titlePositions[read]!;
      if (this.languages) this.languages[write] = this.languages[read]!;
      write += 1;
    }
    const dropped = this.length - write;
    this.length = write;
    if (this.bits && dropped > 0) {
      this.bits.clear();
      for (let i = 0; i < write; i += 1) this.bits.add(this.docs[i]!);
    }
    return dropped;
  }
}

/**
 * The entries of `list` whose documents match through an expansion limited
 * to some languages (see `Expansion.inLanguages`): the list itself when
 * every entry does (a list of one language's texts), undefined when none
 * does, else a copy of those entries.
 */
export function entriesInLanguages(list: Postings, reaches: (languages: number) => boolean): Postings | undefined {
  const { languages } = list;
  if (!languages) return reaches(list.languageMask) ? list : undefined;
  const out = list.subset((j) => reaches(languages[j]!));
  return out.length === 0 ? undefined : out.length === list.length ? list : out;
}

/**
 * The documents a phrase's terms are all in, as one posting list: the
 * entries of its first term, whose frequencies and title position stand
 * for the phrase's. The first, not the rarest: which term is rarest
 * depends on datasets outside the consumer's scope.
 */
export function phraseList(lists: readonly Postings[], capacity: number): Postings | undefined {
  const first = 0;
  const others = lists.flatMap((list, i) => {
    if (i === first) return [];
    if (list.bits) return [list.bits];
    const set = new Bitset(capacity);
    for (let j = 0; j < list.length; j += 1) set.add(list.docs[j]!);
    return [set];
  });
  const source = lists[first]!;
  const out = source.subset((j) => others.every((set) => set.has(source.docs[j]!)));
  return out.length > 0 ? out : undefined;
}
