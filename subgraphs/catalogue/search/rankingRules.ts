/**
 * The ranking rules, in the order a user expects them (Meilisearch's and
 * Typesense's order is the model), folded into one number per hit so that
 * sorting and search-after paging stay one comparison:
 *
 * 1. more query words matched;
 * 2. fewer typos (words matched only through a near spelling);
 * 3. region breadth: a region's first hits before its later ones (see
 *    `rankPage`; every hit has the first bucket when it is off);
 * 4. proximity: the query's words adjacent and in order in the title
 *    (a Vietnamese word of several syllables or a Chinese word of several
 *    bigrams then ranks as one word);
 * 5. the field matched: more query words in the title;
 * 6. exactness: more words matched as typed (not through a stem, a
 *    prefix, a typo or a translation), then a title equal to the query;
 * 7. relevance: BM25F over title, keywords, publisher and description with
 *    each expansion's weight, times the metadata quality factor.
 *
 * Each rule is a digit of the key's integer part, the relevance its
 * fraction, so no later rule outweighs an earlier one.
 */

/** How each hit stands on each rule (see the rule list above). */
export interface RankingTiers {
  wordsMatched: number;
  typos: number;
  breadthBucket: number;
  proximity: number;
  titleWords: number;
  exactWords: number;
  exactTitle: boolean;
  relevance: number;
}

/** Crowding buckets a hit can be in: `rankPage` puts every hit past the first few of its region in the last. */
export const breadthBuckets = 8;
/** Proximity levels: 7 for words adjacent and in order in the title, less as they spread, 0 for fewer than two words in the title. */
const proximityLevels = 8;
const wordLevels = 64;

/** The key's unit for one breadth bucket: everything below it is proximity, title words, exact words and the exact title. */
export const breadthUnit = proximityLevels * wordLevels * wordLevels * 2;

/** Proximity level from how far apart (`spread`, in positions beyond adjacency) the title's matched words are. */
export function proximityLevel(titleWordCount: number, spread: number): number {
  if (titleWordCount < 2) return 0;
  return Math.max(1, proximityLevels - 1 - spread);
}

/** Relevance squashed into [0, 1): the key's fraction. */
export const relevanceFraction = (score: number) => score / (score + 8);

/**
 * The integer part of a hit's key: every rule but breadth, which starts at
 * the first bucket (see `withBreadthBucket`), and relevance, the key's
 * fraction (`relevanceFraction`, added to this).
 */
export function rankingTiers(wordsMatched: number, typoFreeWords: number, proximity: number, titleWords: number, exactWords: number, exactTitle: boolean): number {
  let tiers = wordsMatched;
  tiers = tiers * wordLevels + typoFreeWords;
  tiers = tiers * breadthBuckets + (breadthBuckets - 1);
  tiers = tiers * proximityLevels + proximity;
  tiers = tiers * wordLevels + titleWords;
  tiers = tiers * wordLevels + exactWords;
  return tiers * 2 + (exactTitle ? 1 : 0);
}

/** The key of a hit in breadth bucket `bucket` (0 first). */
export const withBreadthBucket = (key: number, bucket: number) => key - bucket * breadthUnit;

/** The rules a key holds, read back (for explanations). */
export function tiersOf(key: number): RankingTiers {
  let tiers = Math.floor(key);
  const relevanceShare = key - tiers;
  const exactTitle = tiers % 2 === 1;
  tiers = Math.floor(tiers / 2);
  const exactWords = tiers % wordLevels;
  tiers = Math.floor(tiers / wordLevels);
  const titleWords = tiers % wordLevels;
  tiers = Math.floor(tiers / wordLevels);
  const proximity = tiers % proximityLevels;
  tiers = Math.floor(tiers / proximityLevels);
  const breadthBucket = breadthBuckets - 1 - (tiers % breadthBuckets);
  tiers = Math.floor(tiers / breadthBuckets);
  const typoFree = tiers % wordLevels;
  const wordsMatched = Math.floor(tiers / wordLevels);
  return { wordsMatched, typos: wordsMatched - typoFree, breadthBucket, proximity, titleWords, exactWords, exactTitle, relevance: relevanceShare };
}
