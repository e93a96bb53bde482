import type { DatasetRecord, LocalizedText } from '../../../schema/datasetRecord.ts';
import { tokenizeWithSpans } from './analyzer.ts';
import { bm25f, fieldTf, idf, termFrequencies, textFields } from './fieldStatistics.ts';
import { highlight } from './highlight.ts';
import { stemmedLanguageBit } from './languages.ts';
import type { RankingTiers } from './rankingRules.ts';

/** How a hit's score was made up (see `SearchEdge.explain`). */
export interface ScoreExplanation {
  textScore: number;
  coordination: number;
  exactTitle: number;
  /** Multiplier for metadata quality (see `qualityFactorOf`). */
  quality: number;
  matches: { term: string; fields: string[] }[];
  /** Where the hit stands on each ranking rule (see `rankingRules.ts`). */
  ranking: RankingTiers;
}

const asciiOnly = /^[\x00-\x7f]*$/;
const cjkChar = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const segmentedChar = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

/** A page's matched terms by what a text must hold to have one as a token (see `mayHold`). */
interface MatchedTerms {
  ascii: string[];
  /** Whether some term holds Han, Kana or Hangul (a bigram of a Chinese run); Thai, Lao, Khmer or Burmese (a segmented word); anything else beyond ASCII. */
  cjk: boolean;
  segmented: boolean;
  otherScripts: boolean;
}

function matchedTermsOf(terms: Iterable<string>): MatchedTerms {
  const matched: MatchedTerms = { ascii: [], cjk: false, segmented: false, otherScripts: false };
  for (const term of terms) {
    if (asciiOnly.test(term)) matched.ascii.push(term);
    else if (cjkChar.test(term)) matched.cjk = true;
    else if (segmentedChar.test(term)) matched.segmented = true;
    else matched.otherScripts = true;
  }
  return matched;
}

/**
 * Whether `text` may hold one of the matched terms as a token: false only
 * when it cannot, so a text ruled out is never analysed (most of a hit's
 * texts are in languages the query did not reach). As `analyze` makes
 * tokens: a token is its characters each NFKC-normalised and lower-cased,
 * so one in ASCII is a substring of the whole text so normalised (of the
 * text lower-cased, when it is ASCII); a Chinese bigram comes only from Han,
 * Kana or Hangul characters, a Thai (Lao, Khmer, Burmese) word only from
 * those scripts, and any other token beyond ASCII only from a text beyond
 * ASCII, which is then left to the analyser.
 */
function mayHold(text: string, terms: MatchedTerms): boolean {
  if (asciiOnly.test(text)) return includesAny(text.toLowerCase(), terms.ascii);
  if (terms.otherScripts) return true;
  // NFKC too: a compatibility character (㊀) may be a word whose normal form is Han.
  const compatible = text.normalize('NFKC');
  if (terms.cjk && (cjkChar.test(text) || cjkChar.test(compatible))) return true;
  if (terms.segmented && (segmentedChar.test(text) || segmentedChar.test(compatible))) return true;
  return includesAny(compatible.toLowerCase(), terms.ascii);
}

function includesAny(text: string, terms: readonly string[]): boolean {
  for (const term of terms) if (text.includes(term)) return true;
  return false;
}

/**
 * Every field text of `record` that holds a term the query reached, marked
 * up; the languages of those texts, those holding one of the words as typed
 * (`asTyped`) first, then those reached only through a translation
 * (`translated`); and whether only translations matched. Each text is
 * analysed once, in its language.
 */
export function highlightsOf(
  record: DatasetRecord,
  asTyped: ReadonlySet<string>,
  translated: ReadonlySet<string>,
  stemmedOnly: ReadonlyMap<string, number> = new Map(),
): { highlights: { field: string; lang?: string; snippet: string }[]; languages: string[]; crossLingual: boolean } {
  const fields: [string, LocalizedText[]][] = [
    ['title', record.title],
    ['description', record.description],
    ['keywords', record.keywords.map((value) => ({ lang: record.language, value }))],
    ['publisher', record.publisher ? [{ lang: record.language, value: record.publisher.name }] : []],
  ];
  const all = new Set([...asTyped, ...translated]);
  const highlights: { field: string; lang?: string; snippet: string }[] = [];
  const direct = new Set<string>();
  const through = new Set<string>();
  const terms = matchedTermsOf(all);
  // Per language, the terms matched in its texts: a term reached only as a stem, only in the languages it is one in.
  const byLanguage = new Map<number, Set<string>>();
  const reachedIn = (lang: string | undefined) => {
    const bit = stemmedLanguageBit(lang);
    let reached = byLanguage.get(bit);
    if (!reached) byLanguage.set(bit, (reached = new Set([...all].filter((term) => !stemmedOnly.has(term) || (stemmedOnly.get(term)! & bit) !== 0))));
    return reached;
  };
  for (const [field, texts] of fields) {
    for (const text of texts) {
      if (!mayHold(text.value, terms)) continue;
      const tokens = tokenizeWithSpans(text.value, text.lang);
      const reached = stemmedOnly.size === 0 ? all : reachedIn(text.lang);
      const snippet = highlight(text.value, reached, tokens);
      if (!snippet) continue;
      highlights.push({ field, lang: text.lang, snippet });
      if (tokens.some((token) => asTyped.has(token.term) && reached.has(token.term))) direct.add(text.lang);
      else through.add(text.lang);
    }
  }
  for (const language of direct) through.delete(language);
  return { highlights, languages: [...direct, ...through], crossLingual: direct.size === 0 && through.size > 0 };
}

/**
 * A hit's score recomputed part by part from its own text, with the same
 * BM25F and weights the search used; only the page's hits pay for this.
 */
export function explainScore(
  record: DatasetRecord,
  wordCount: number,
  terms: readonly { term: string; phrase: readonly string[]; weight: number; words: number; df: number; reaches: (languages: number) => boolean }[],
  documentCount: number,
  averages: readonly number[],
  exactTitle: number,
  quality: number,
  ranking: RankingTiers,
): ScoreExplanation {
  const { tf, lengths, languages } = termFrequencies(record);
  const lengthArray = Uint16Array.from(lengths);
  let textScore = 0;
  let mask = 0;
  const matches: { term: string; fields: string[] }[] = [];
  for (const { term, phrase, weight, words, df, reaches } of terms) {
    // A phrase scores as its first term, when the record holds every one of its terms (see `collectMatches`).
    const packed = tf.get(term);
    if (!packed || !phrase.every((part) => tf.has(part)) || !reaches(languages.get(term) ?? 0)) continue;
    textScore += weight * idf(documentCount, df) * bm25f(packed, lengthArray, 0, averages, -1);
    mask |= words;
    matches.push({ term, fields: textFields.filter((_, f) => fieldTf(packed, f) > 0) });
  }
  let matchedWords = 0;
  for (let bits = mask; bits !== 0; bits &= bits - 1) matchedWords += 1;
  return { textScore, coordination: matchedWords / wordCount, exactTitle, quality, matches, ranking };
}
