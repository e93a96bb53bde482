import { Bitset } from './bitset.ts';

/** Slots of a document's entry in `MatchScratch.flags`: query words matched; matched other than by a typo; matched as typed; matched in the title (by the words as typed, by translations). */
export const matched = 0;
export const clean = 1;
export const exact = 2;
export const typedTitle = 3;
export const translatedTitle = 4;
export const flagSlots = 5;
/** Query words a search matches: a word is a bit of 16-bit masks (half the scratch of 32-bit ones, which every hit reads back); later words are not matched. */
export const maxMatchedWords = 16;
/**
 * Slots of a document's entry in `MatchScratch.spans`: lowest and highest
 * (title position − query word) seen, for the words as typed and for
 * translations apart; their spread is the proximity. Apart, because a
 * translation stands in another language's title, whose positions mean
 * nothing to the typed words'.
 */
export const typedLow = 0;
export const translatedLow = 2;
export const spanSlots = 4;

/**
 * Per-document accumulators (zero between searches) and bitsets, grown
 * with the index. A document's masks sit side by side (`flags`), as do its
 * title spans (`spans`): scoring a hit touches three cache lines, not ten.
 */
export class MatchScratch {
  scores = new Float64Array(1024);
  /** Per document, `flagSlots` masks (see `matched` … `translatedTitle`). */
  flags = new Uint16Array(1024 * flagSlots);
  /** Per document, `spanSlots` positions (see `typedLow`, `translatedLow`), valid where the matching title mask is set. */
  spans = new Int16Array(1024 * spanSlots);
  /** Per document, for a query of one word: its masks as bits of one byte (see `cleanBit` … `translatedTitleBit`). */
  singleWord = new Uint8Array(1024);
  outDocs = new Int32Array(1024);
  /** The hits given keys (see `PageReach`), and their keys; first their rules' tiers, parallel to `outDocs`. */
  keyedDocs = new Int32Array(1024);
  outKeys = new Float64Array(1024);
  /** The hits, left for facets. */
  readonly hits = new Bitset();
  /** The hits a first page of any-word hits walks: those matching the most words, and every hit of a format group (see `mostWords`). */
  readonly walked = new Bitset();
  /** The hits that may reach the page: scored and keyed. */
  readonly keyed = new Bitset();
  /** Positions of the entries a walk visits, every list's one after another (see `walkLists`). */
  entries = new Int32Array(1024);
  /** One set per query word: the documents any of its expansions reaches. */
  readonly wordSets: Bitset[] = [];

  ensure(documents: number): void {
    if (documents <= this.scores.length) return;
    const capacity = Math.max(documents, this.scores.length * 2);
    const grow = <T extends Float64Array | Uint16Array | Int32Array | Int16Array | Uint8Array>(array: T, slots: number): T => {
      const next = new (array.constructor as new (length: number) => T)(capacity * slots);
      next.set(array);
      return next;
    };
    this.scores = grow(this.scores, 1);
    this.flags = grow(this.flags, flagSlots);
    this.spans = grow(this.spans, spanSlots);
    this.singleWord = new Uint8Array(capacity);
    this.outDocs = grow(this.outDocs, 1);
    this.keyedDocs = grow(this.keyedDocs, 1);
    this.outKeys = grow(this.outKeys, 1);
  }
}

/** A one-word query's masks as bits of `MatchScratch.singleWord`: matched other than by a typo, as typed, in the title as typed, in a translated title. */
export const cleanBit = 1;
export const exactBit = 2;
export const typedTitleBit = 4;
export const translatedTitleBit = 8;
