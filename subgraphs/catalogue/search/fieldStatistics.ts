import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { qualityMaxScore } from '../../shared/quality/qualityIndicators.ts';
import { analyzeForIndex, maxWordChars } from './analyzer.ts';
import { stemmedLanguageBit } from './languages.ts';

/**
 * Field boosts: a match in the title counts most, then keywords, publisher,
 * description (title > keywords > publisher > description).
 */
export const fieldBoosts = { title: 3, keywords: 2, publisher: 1.5, description: 1 } as const;
export type TextField = keyof typeof fieldBoosts;
export const textFields = Object.keys(fieldBoosts) as TextField[];
export const boosts: readonly number[] = textFields.map((field) => fieldBoosts[field]);

/** BM25 parameters, the usual ones. */
export const k1 = 1.2;
export const b = 0.75;

/** Multiplier for a dataset whose title (in any language) is exactly the query. */
export const exactTitleBoost = 4;
/**
 * A mild ranking signal: relevance is multiplied by 1 + `qualityWeight` ×
 * MQA score / 405, so a perfectly described dataset gains at most 10% over
 * an undescribed one. Small on purpose: it orders equally relevant hits and
 * never outweighs a better text match (an exact title is ×4).
 */
export const qualityWeight = 0.1;
export const qualityFactorOf = (score: number) => 1 + (qualityWeight * score) / qualityMaxScore;

/** The texts of each field of a record, every language together, each with its language. */
export function fieldTexts(record: DatasetRecord): Record<TextField, { lang: string; value: string }[]> {
  return {
    title: record.title,
    keywords: record.keywords.map((value) => ({ lang: record.language, value })),
    publisher: record.publisher ? [{ lang: record.language, value: record.publisher.name }] : [],
    description: record.description,
  };
}

/** Positions of a title's later translations start this far after the last one's, so words of two translations never look adjacent. */
const translationGap = 8;
/** Title positions are kept in a byte: 0 for none, else position + 1, at most this. */
export const maxTitlePosition = 255;

/** What indexing derives from a record's text (see `termFrequencies`). */
export interface TermStatistics {
  /** Per term, its frequency in each field packed in one number (8 bits a field in `textFields` order, saturating at 255). */
  tf: Map<string, number>;
  /** Each field's length in terms. */
  lengths: number[];
  /** Per term in the title, its first position there plus one (at most `maxTitlePosition`). */
  titlePositions: Map<string, number>;
  /** Per term, the stemmed languages of the texts it came from (bit i: `stemmedLanguages[i]`). */
  languages: Map<string, number>;
  /** Each title text's terms with its stop words kept, joined by spaces: what an exact title query is compared with. */
  titleKeys: string[];
}

/**
 * A record's terms, analysed in the language of each text: frequencies per
 * field, field lengths, first title positions and the languages terms came
 * from. Terms longer than `maxWordChars` count in the lengths only.
 */
export function termFrequencies(record: DatasetRecord): TermStatistics {
  const texts = fieldTexts(record);
  const tf = new Map<string, number>();
  const titlePositions = new Map<string, number>();
  const languages = new Map<string, number>();
  const lengths = [0, 0, 0, 0];
  const titleKeys: string[] = [];
  for (let f = 0; f < textFields.length; f += 1) {
    const shift = f * 8;
    let titleBase = 0;
    // Keywords and publishers repeat across a catalogue: their analysis is memoised whole.
    const repeated = f === 1 || f === 2;
    for (const text of texts[textFields[f]!]) {
      const { terms, positions, unstopped } = analyzeForIndex(text.value, text.lang, { unstopped: f === 0, repeated });
      const language = stemmedLanguageBit(text.lang);
      lengths[f]! += terms.length;
      for (let i = 0; i < terms.length; i += 1) {
        const term = terms[i]!;
        // No query can name a longer term: indexing it would only grow the dictionary.
        if (term.length > maxWordChars) continue;
        const packed = tf.get(term);
        // A term new to the record needs no look-up in the other maps.
        if (packed === undefined) {
          tf.set(term, 2 ** shift);
          if (f === 0) titlePositions.set(term, Math.min(maxTitlePosition, titleBase + positions[i]! + 1));
          if (language !== 0) languages.set(term, language);
          continue;
        }
        if (((packed >>> shift) & 0xff) < 255) tf.set(term, packed + 2 ** shift);
        if (f === 0 && !titlePositions.has(term)) titlePositions.set(term, Math.min(maxTitlePosition, titleBase + positions[i]! + 1));
        if (language !== 0) {
          const known = languages.get(term) ?? 0;
          if ((known & language) === 0) languages.set(term, known | language);
        }
      }
      if (f === 0) {
        titleBase += (positions.at(-1) ?? -1) + 1 + translationGap;
        titleKeys.push(unstopped!.join(' '));
      }
    }
  }
  return { tf, lengths, titlePositions, languages, titleKeys };
}

/** The frequency of field `f` in a packed word. */
export function fieldTf(packed: number, f: number): number {
  return (packed >>> (f * 8)) & 0xff;
}

export function idf(documentCount: number, df: number): number {
  return Math.log(1 + (documentCount - df + 0.5) / (df + 0.5));
}

/**
 * BM25F: each field's frequency normalised by that field's length against
 * its average, weighted by the field's boost, summed, then saturated once.
 * `lengths[offset + f]` is the document's length of field f; `onlyField`
 * scores one field alone (autocomplete scores titles only), -1 all.
 */
export function bm25f(packed: number, lengths: Uint16Array, offset: number, averages: readonly number[], onlyField: number): number {
  let weighted = 0;
  for (let f = 0; f < 4; f += 1) {
    if (onlyField >= 0 && f !== onlyField) continue;
    const tf = (packed >>> (f * 8)) & 0xff;
    if (tf === 0) continue;
    const norm = 1 - b + (b * lengths[offset + f]!) / (averages[f]! || 1);
    weighted += (boosts[f]! * tf) / norm;
  }
  return (weighted * (k1 + 1)) / (weighted + k1);
}

/** Field lengths below this have their BM25F weights looked up (see `fieldWeights`); longer ones, rare, are computed. */
export const tabledLengths = 1024;
const weightTable = new Float64Array(4 * tabledLengths);
let weightTableAverages: readonly number[] | undefined;

/**
 * Per field f and length below `tabledLengths`, at `f × tabledLengths +
 * length`: what one occurrence of a term in the field weighs in BM25F, the
 * field's boost over its length norm (`1 - b + b × length / average`).
 * Made again when the scope's mean lengths change (searches run one at a
 * time).
 */
export function fieldWeights(averages: readonly number[]): Float64Array {
  if (weightTableAverages === averages) return weightTable;
  for (let f = 0; f < 4; f += 1) {
    for (let length = 0; length < tabledLengths; length += 1) weightTable[f * tabledLengths + length] = fieldWeight(f, length, averages);
  }
  weightTableAverages = averages;
  return weightTable;
}

export const fieldWeight = (f: number, length: number, averages: readonly number[]) => boosts[f]! / (1 - b + (b * length) / (averages[f]! || 1));
