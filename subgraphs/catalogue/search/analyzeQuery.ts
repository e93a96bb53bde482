import { isLatinStopWord, simplifiedChinese, stopWordsOf } from './languages.ts';
import { analyze, cjkChar, hanChar, segmentedChar, segmenterOf } from './analyzer.ts';

/**
 * One word of a query: the index terms that must all be in a dataset for
 * it to match (one, or the bigrams of a Chinese word of three or more
 * characters; a Thai, Lao, Khmer or Burmese word is one term, as indexed),
 * and how it was written.
 */
export interface QueryWord {
  /** The word as normalised: lower case, NFKC, accents kept, Chinese simplified. */
  text: string;
  terms: string[];
  /** Written in a script whose words are dictionary-segmented (Han, Thai…): no typo or folding applies. */
  segmented: boolean;
  /** A stop word of some catalogue language: left out of the query when no text in scope holds it as a word (see `expandQuery`). */
  stopWord: boolean;
}

/**
 * The words of a query. The query is normalised first (NFKC, case, width,
 * spaces: `trade ` is `trade`); runs of Han and Thai are cut into words
 * by ICU's dictionary segmenter. Stop words of any catalogue language are
 * marked: the query's language is not known, so `ha` (English) may be the
 * Vietnamese `hà`.
 */
export function analyzeQuery(text: string): QueryWord[] {
  const words: QueryWord[] = [];
  // Han and Thai runs are cut into words here; everything else is read as `analyze` reads it.
  const normal = text.normalize('NFKC');
  for (const piece of normal.split(/(\p{Script=Han}+|[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]+)/u)) {
    if (!piece) continue;
    if (hanChar.test(piece) || segmentedChar.test(piece)) {
      const han = hanChar.test(piece);
      const source = han ? simplifiedChinese(piece) : piece;
      const stops = stopWordsOf(han ? 'zh' : 'th');
      const push = (text: string, lone = false) => {
        const chars = [...text];
        // Chinese is indexed as bigrams, so a longer word is looked up as its bigrams; Thai and its neighbours are indexed as whole words.
        const termsOf = han && chars.length >= 3 ? chars.slice(1).map((char, i) => chars[i]! + char) : [text];
        words.push({ text, terms: termsOf, segmented: true, stopWord: lone ? chars.every((char) => stops.has(char)) : stops.has(text) });
      };
      // Characters the segmenter left alone side by side (`年月`, a word it does not know) are one word, as the index has them: their
      // bigrams. It is a stop word when each of them is (`我的`).
      let single = '';
      let singleEnd = -1;
      for (const segment of segmenterOf(han ? 'zh' : 'th').segment(source)) {
        const lone = han && segment.isWordLike && [...segment.segment].length === 1;
        if (single && !(lone && segment.index === singleEnd)) {
          push(single, true);
          single = '';
        }
        if (lone) {
          single += segment.segment;
          singleEnd = segment.index + segment.segment.length;
        } else if (segment.isWordLike) push(segment.segment);
      }
      if (single) push(single, true);
      continue;
    }
    // Latin and other spaced scripts, and Kana or Hangul: the terms `analyze` made of this piece, in order.
    for (const term of analyze(piece).terms) {
      const isCjk = cjkChar.test(term);
      words.push({ text: term, terms: [term], segmented: isCjk, stopWord: !isCjk && isLatinStopWord(term) && !piece.includes(`${term}-`) && !piece.includes(`-${term}`) });
    }
  }
  return words;
}
