import { latinLanguages, primaryLanguage, simplifiedChinese, stopWordsOf } from './languages.ts';
import { BoundedMemo } from './boundedMemo.ts';

/**
 * The one text analyzer, used for indexing, querying and highlighting, so
 * every side reads text the same way:
 * - NFKC per character (full-width `ＣＳＶ` is `csv`), lower case, the
 *   accents kept (`dân`, `comércio`): the dictionary folds them apart (see
 *   `foldTerm`), so a word typed with its accents ranks the accented form
 *   above the folded one;
 * - Chinese in one script: traditional converted to simplified with OpenCC
 *   (`languages.ts`), then each run of Han, Kana or Hangul indexed as
 *   overlapping bigrams (`南宁海关` → 南宁 宁海 海关; a lone character as
 *   itself); a query's runs are cut into words by ICU's dictionary
 *   segmenter (`Intl.Segmenter`) first, a word of three or more characters
 *   standing for its bigrams together;
 * - Thai, Lao, Khmer and Burmese, written without spaces, cut into words by
 *   the same segmenter;
 * - every other run of letters, digits and marks is a word;
 * - the stop words of the text's language (`stopWordsOf`) are left out,
 *   still counting as a position, so `dan` of a Malay text is never a term
 *   and a Vietnamese `dân` cannot meet it.
 *
 * Every term has a position (words and bigrams counted from the text's
 * start), read by proximity ranking.
 */

/**
 * Longest term, in UTF-16 code units, the catalogue indexes or searches
 * for: longer tokens (a hash, a run of letters without a space) are left
 * out of the index, and a query holding one is refused, as is a query
 * longer than `maxQueryChars`. Typo expansion costs the square of a word's
 * length; real words, identifiers and hex digests are no longer.
 */
export const maxWordChars = 64;
export const maxQueryChars = 1000;

const combiningMark = /\p{M}/u;
export const cjkChar = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
export const segmentedChar = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const wordChar = /[\p{L}\p{N}]/u;
export const hanChar = /\p{Script=Han}/u;

function foldCodePoint(char: string): string {
  if (char === 'đ' || char === 'Đ') return 'd';
  let folded = '';
  for (const part of char.normalize('NFKD')) if (!combiningMark.test(part)) folded += part;
  return folded.toLowerCase();
}

/**
 * Code points memoised, at most: queries and harvested text can name any of
 * the 1.1 million (about 10 MB at this bound). Catalogue text uses far fewer.
 */
const memoisedCodePoints = 100_000;

/** Folded code points beyond ASCII, memoised as `classOf`'s classes are (and bounded alike). */
const foldedChars = new BoundedMemo<string, string>(memoisedCodePoints);

/** Folds one code point for comparison without accents; may return '' (a lone mark) or several characters. */
export function foldChar(char: string): string {
  return foldedChars.of(char, foldCodePoint);
}

const asciiOnly = /^[\x00-\x7f]*$/;

export function foldText(text: string): string {
  // ASCII has no accents to fold: indexing folds every title, most of them ASCII.
  if (asciiOnly.test(text)) return text.toLowerCase();
  let folded = '';
  for (const char of text) folded += foldChar(char);
  return folded;
}

/**
 * A term without its accents (`dân` → `dan`, `população` → `populacao`),
 * the key the dictionary groups spellings under. Terms of scripts whose
 * marks are letters (Thai vowels and tones) keep them.
 */
export function foldTerm(term: string): string {
  return segmentedChar.test(term) ? term : foldText(term);
}

const separator = 0;
const word = 1;
const cjk = 2;
const segmented = 3;
interface CharClass {
  kind: typeof separator | typeof word | typeof cjk | typeof segmented;
  /** NFKC and lower case: what the character adds to a word. */
  normal: string;
}

function classify(char: string): CharClass {
  if (cjkChar.test(char)) return { kind: cjk, normal: char };
  if (segmentedChar.test(char)) return { kind: segmented, normal: char };
  if (wordChar.test(char) || combiningMark.test(char)) return { kind: word, normal: char.normalize('NFKC').toLowerCase() };
  const compatible = char.normalize('NFKC');
  // A full-width letter or digit is its ASCII self.
  if (compatible !== char && [...compatible].every((part) => wordChar.test(part))) return { kind: word, normal: compatible.toLowerCase() };
  return { kind: separator, normal: '' };
}

// Indexing reads millions of characters: ASCII from a table, the rest memoised per code point.
const asciiClasses: CharClass[] = Array.from({ length: 128 }, (_, code) => classify(String.fromCharCode(code)));
const otherClasses = new BoundedMemo<number, CharClass>(memoisedCodePoints);
function classOf(char: string, code: number): CharClass {
  if (code < 128) return asciiClasses[code]!;
  let found = otherClasses.get(code);
  if (!found) otherClasses.set(code, (found = classify(char)));
  return found;
}

const segmenters = new Map<string, Intl.Segmenter>();
export const segmenterOf = (locale: string) => {
  let segmenter = segmenters.get(locale);
  if (!segmenter) segmenters.set(locale, (segmenter = new Intl.Segmenter(locale, { granularity: 'word' })));
  return segmenter;
};

/** A non-ASCII word as written → its term (NFKC per character, lower case, NFC). */
const wordTerms = new BoundedMemo<string, string>(100_000);
/** A run of Han, Kana or Hangul → its characters, Chinese simplified. */
const cjkRuns = new BoundedMemo<string, readonly string[]>(50_000);
/** A run of Thai (Lao…) → its word-like segments, as offsets into the run and texts. */
const segmentedRuns = new BoundedMemo<string, { readonly index: number; readonly segment: string }[]>(50_000);

/** The term a word of non-ASCII characters makes: each character as `classOf` reads it, then NFC. */
function termOfWord(raw: string): string {
  let term = wordTerms.get(raw);
  if (term !== undefined) return term;
  let normal = '';
  let offset = 0;
  while (offset < raw.length) {
    const code = raw.codePointAt(offset)!;
    const width = code > 0xffff ? 2 : 1;
    normal += classOf(width === 1 ? raw[offset]! : raw.slice(offset, offset + 2), code).normal;
    offset += width;
  }
  term = normal.normalize('NFC');
  wordTerms.set(raw, term);
  return term;
}

function charsOfCjkRun(run: string): readonly string[] {
  let chars = cjkRuns.get(run);
  if (!chars) cjkRuns.set(run, (chars = hanChar.test(run) ? [...simplifiedChinese(run)] : [...run]));
  return chars;
}

function segmentsOfRun(run: string): { readonly index: number; readonly segment: string }[] {
  let segments = segmentedRuns.get(run);
  if (!segments) {
    segments = [];
    for (const segment of segmenterOf('th').segment(run)) if (segment.isWordLike) segments.push({ index: segment.index, segment: segment.segment });
    segmentedRuns.set(run, segments);
  }
  return segments;
}

/** A text's terms, as parallel arrays: each term, its position, and its span in the original text (UTF-16 offsets). */
export interface AnalyzedText {
  terms: string[];
  positions: number[];
  starts: number[];
  ends: number[];
}

/** What `analyze` carries along a text. Module-level functions take it, not closures: the TypeScript loader wraps every closure it makes per call. */
interface AnalyzerState {
  text: string;
  terms: string[];
  positions: number[];
  /** Spans, when asked for (highlighting); indexing needs none. */
  starts: number[] | undefined;
  ends: number[] | undefined;
  /** Every term as made without the language's stop words left out, when asked for (a title's exact-match key). */
  unstopped: string[] | undefined;
  stops: ReadonlySet<string> | undefined;
  position: number;
  /** Where the word being read started (-1: none), and whether it is ASCII only. */
  wordStart: number;
  wordAscii: boolean;
  /** The run of Han (or Thai…) characters being read: its kind, each character's offset, and where it ends. */
  runKind: number;
  runOffsets: number[];
  runEnd: number;
}

function emit(state: AnalyzerState, term: string, start: number, end: number): void {
  state.terms.push(term);
  state.positions.push(state.position);
  state.starts?.push(start);
  state.ends?.push(end);
  state.unstopped?.push(term);
}

function flushWord(state: AnalyzerState, end: number): void {
  const start = state.wordStart;
  if (start < 0) return;
  const raw = state.text.slice(start, end);
  const term = state.wordAscii ? raw.toLowerCase() : termOfWord(raw);
  // Part of a hyphenated word (`re-export`) is never a stop word.
  const hyphenated = state.text[end] === '-' || state.text[start - 1] === '-';
  if (hyphenated || !state.stops?.has(term)) emit(state, term, start, end);
  else state.unstopped?.push(term);
  state.position += 1;
  state.wordStart = -1;
}

function flushRun(state: AnalyzerState): void {
  const offsets = state.runOffsets;
  if (offsets.length === 0) return;
  const run = state.text.slice(offsets[0]!, state.runEnd);
  if (state.runKind === cjk) {
    const converted = charsOfCjkRun(run);
    // OpenCC maps characters one to one almost always; otherwise every bigram spans the whole run.
    const aligned = converted.length === offsets.length;
    if (converted.length === 1) {
      emit(state, converted[0]!, offsets[0]!, state.runEnd);
      state.position += 1;
    }
    for (let i = 0; i + 1 < converted.length; i += 1) {
      const start = aligned ? offsets[i]! : offsets[0]!;
      const end = aligned && i + 2 < offsets.length ? offsets[i + 2]! : state.runEnd;
      emit(state, converted[i]! + converted[i + 1]!, start, end);
      state.position += 1;
    }
  } else {
    const thaiStops = stopWordsOf('th');
    const base = offsets[0]!;
    for (const segment of segmentsOfRun(run)) {
      if (!thaiStops.has(segment.segment)) emit(state, segment.segment, base + segment.index, base + segment.index + segment.segment.length);
      state.position += 1;
    }
  }
  state.runOffsets = [];
  state.runKind = separator;
}

/** Reads `text` into `state`'s arrays (see `analyze`). */
function scan(state: AnalyzerState): void {
  const text = state.text;
  let offset = 0;
  while (offset < text.length) {
    const code = text.codePointAt(offset)!;
    const width = code > 0xffff ? 2 : 1;
    const charClass = classOf(width === 1 ? text[offset]! : text.slice(offset, offset + 2), code);
    const kind = charClass.kind;
    if (kind !== word && state.wordStart >= 0) flushWord(state, offset);
    if (kind !== state.runKind && state.runOffsets.length > 0) flushRun(state);
    if (kind === word) {
      if (state.wordStart < 0) {
        state.wordStart = offset;
        state.wordAscii = true;
      }
      if (code >= 128) state.wordAscii = false;
    } else if (kind === cjk || kind === segmented) {
      state.runKind = kind;
      state.runOffsets.push(offset);
      state.runEnd = offset + width;
    }
    offset += width;
  }
  flushWord(state, offset);
  flushRun(state);
}

function stopWordsOfText(lang: string | undefined): ReadonlySet<string> | undefined {
  const language = lang === undefined ? undefined : primaryLanguage(lang);
  return language === undefined ? undefined : stopWordsOf((latinLanguages as readonly string[]).includes(language) ? language : 'en');
}

function stateFor(text: string, lang: string | undefined, spans: boolean, unstopped: boolean): AnalyzerState {
  return {
    text,
    terms: [],
    positions: [],
    starts: spans ? [] : undefined,
    ends: spans ? [] : undefined,
    unstopped: unstopped ? [] : undefined,
    stops: stopWordsOfText(lang),
    position: 0,
    wordStart: -1,
    wordAscii: true,
    runKind: separator,
    runOffsets: [],
    runEnd: 0,
  };
}

/**
 * The terms of `text`, a text in `lang` (a BCP 47 tag; stop words are left
 * out only when it is given), as indexed and highlighted.
 */
export function analyze(text: string, lang?: string): AnalyzedText {
  const state = stateFor(text, lang, true, false);
  scan(state);
  return { terms: state.terms, positions: state.positions, starts: state.starts!, ends: state.ends! };
}

/** A text's terms as the index takes them: `analyze`'s, without spans; with `unstopped`, also `tokenize`'s (its stop words kept). */
export interface IndexedText {
  readonly terms: readonly string[];
  readonly positions: readonly number[];
  readonly unstopped?: readonly string[];
}

/** Keyword and publisher texts, which a catalogue repeats, analysed once per language. */
const repeatedTexts = new BoundedMemo<string, IndexedText>(20_000);

/**
 * `analyze` for indexing: the same terms and positions, no spans. With
 * `unstopped`, also every term with the stop words kept (as `tokenize`
 * makes them), from the same reading; with `repeated`, the text is one a
 * catalogue repeats (a keyword, a publisher) and is read once per language.
 */
export function analyzeForIndex(text: string, lang: string | undefined, options: { unstopped?: boolean; repeated?: boolean } = {}): IndexedText {
  const key = options.repeated ? `${lang === undefined ? '-' : `+${lang}`}\u0000${options.unstopped ? 1 : 0}${text}` : undefined;
  if (key !== undefined) {
    const known = repeatedTexts.get(key);
    if (known) return known;
  }
  const state = stateFor(text, lang, false, options.unstopped === true);
  scan(state);
  const indexed: IndexedText = state.unstopped ? { terms: state.terms, positions: state.positions, unstopped: state.unstopped } : { terms: state.terms, positions: state.positions };
  if (key !== undefined) repeatedTexts.set(key, indexed);
  return indexed;
}

/** The terms of `text` in no particular language (no stop words left out), as `analyze` makes them. */
export function tokenize(text: string): string[] {
  return analyze(text).terms;
}

/** A token and where it stands in the original text, for highlighting. */
export interface Token {
  term: string;
  start: number;
  end: number;
}

/** Tokens of `text` (in `lang`) with their spans in the original string. */
export function tokenizeWithSpans(text: string, lang?: string): Token[] {
  const { terms, starts, ends } = analyze(text, lang);
  return terms.map((term, i) => ({ term, start: starts[i]!, end: ends[i]! }));
}
