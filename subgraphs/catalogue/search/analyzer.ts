/**
 * The one text analyzer, used for indexing, querying and highlighting, so
 * every side folds the same way:
 * - NFKD with combining marks removed, so `Hà Nội` = `ha noi`, `comércio` = `comercio`;
 * - `đ`/`Đ` → `d` (a letter of its own in Vietnamese, not a mark);
 * - lower case;
 * - Han, Kana and Hangul runs become overlapping bigrams (`南宁海关` → 南宁 宁海 海关),
 *   a lone character stays a unigram, so a two-character query finds a
 *   Chinese title without a dictionary;
 * - everything else splits on anything that is not a letter or a digit.
 */
/**
 * Longest term, in UTF-16 code units once folded, the catalogue indexes or
 * searches for: longer tokens (a hash, a run of letters without a space)
 * are left out of the index, and a query holding one is refused, as is a
 * query longer than `maxQueryChars`. Typo expansion costs the square of a
 * word's length; real words, identifiers and hex digests are no longer.
 */
export const maxWordChars = 64;
export const maxQueryChars = 1000;

const combiningMark = /\p{M}/u;
const cjkChar = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const wordChar = /[\p{L}\p{N}]/u;

/** Folds one code point; may return '' (a lone mark) or several characters (a ligature). */
export function foldChar(char: string): string {
  if (char === 'đ' || char === 'Đ') return 'd';
  let folded = '';
  for (const part of char.normalize('NFKD')) if (!combiningMark.test(part)) folded += part;
  return folded.toLowerCase();
}

export function foldText(text: string): string {
  let folded = '';
  for (const char of text) folded += foldChar(char);
  return folded;
}

/** A token and where it stands in the original text, for highlighting. */
export interface Token {
  term: string;
  start: number;
  end: number;
}

const separator = 0;
const word = 1;
const cjk = 2;
/** What a character is to the tokenizer, and what it folds to. */
interface CharClass {
  kind: typeof separator | typeof word | typeof cjk;
  folded: string;
}

function classify(char: string): CharClass {
  if (cjkChar.test(char)) return { kind: cjk, folded: char };
  if (wordChar.test(char) || combiningMark.test(char)) return { kind: word, folded: foldChar(char) };
  return { kind: separator, folded: '' };
}

// Indexing folds millions of characters: ASCII from a table, the rest memoised per code point.
const asciiClasses: CharClass[] = Array.from({ length: 128 }, (_, code) => classify(String.fromCharCode(code)));
/**
 * Code points memoised, at most: queries and harvested text can name any of
 * the 1.1 million, so the memo stops growing here (about 10 MB) and later
 * newcomers are classified each time. Catalogue text uses far fewer.
 */
const memoisedClasses = 100_000;
const otherClasses = new Map<number, CharClass>();
function classOf(char: string, code: number): CharClass {
  if (code < 128) return asciiClasses[code]!;
  let found = otherClasses.get(code);
  if (!found) {
    found = classify(char);
    if (otherClasses.size < memoisedClasses) otherClasses.set(code, found);
  }
  return found;
}

/**
 * Tokens of `text` with their spans in the original string (UTF-16 offsets).
 */
export function tokenizeWithSpans(text: string): Token[] {
  const tokens: Token[] = [];
  let current = '';
  let currentStart = -1;
  let cjkRun: { char: string; start: number; end: number }[] = [];
  const flushWord = (end: number) => {
    if (current) tokens.push({ term: current, start: currentStart, end });
    current = '';
    currentStart = -1;
  };
  const flushCjk = () => {
    if (cjkRun.length === 1) tokens.push({ term: cjkRun[0]!.char, start: cjkRun[0]!.start, end: cjkRun[0]!.end });
    for (let i = 0; i + 1 < cjkRun.length; i += 1) {
      tokens.push({ term: cjkRun[i]!.char + cjkRun[i + 1]!.char, start: cjkRun[i]!.start, end: cjkRun[i + 1]!.end });
    }
    cjkRun = [];
  };
  let offset = 0;
  while (offset < text.length) {
    const code = text.codePointAt(offset)!;
    const width = code > 0xffff ? 2 : 1;
    const char = width === 1 ? text[offset]! : text.slice(offset, offset + 2);
    const end = offset + width;
    const charClass = classOf(char, code);
    if (charClass.kind === cjk) {
      flushWord(offset);
      cjkRun.push({ char, start: offset, end });
    } else if (charClass.kind === word) {
      if (cjkRun.length > 0) flushCjk();
      if (charClass.folded) {
        if (currentStart < 0) currentStart = offset;
        current += charClass.folded;
      }
    } else {
      flushWord(offset);
      if (cjkRun.length > 0) flushCjk();
    }
    offset = end;
  }
  flushWord(offset);
  flushCjk();
  return tokens;
}

/**
 * The terms of `text`, as indexed and as queried: the same tokens as
 * `tokenizeWithSpans`, without spans. This is the indexing hot path, so it
 * makes no objects but the terms (and no closures, which the TypeScript
 * loader wraps).
 */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  let current = '';
  let previousCjk = '';
  let cjkRunLength = 0;
  let offset = 0;
  while (offset <= text.length) {
    let kind: number = separator;
    let folded = '';
    let char = '';
    if (offset < text.length) {
      const code = text.codePointAt(offset)!;
      char = code > 0xffff ? text.slice(offset, offset + 2) : text[offset]!;
      const charClass = classOf(char, code);
      kind = charClass.kind;
      folded = charClass.folded;
      offset += char.length;
    } else offset += 1;
    if (kind !== word && current) {
      terms.push(current);
      current = '';
    }
    if (kind !== cjk && cjkRunLength > 0) {
      if (cjkRunLength === 1) terms.push(previousCjk);
      cjkRunLength = 0;
    }
    if (kind === word) current += folded;
    else if (kind === cjk) {
      if (cjkRunLength > 0) terms.push(previousCjk + char);
      previousCjk = char;
      cjkRunLength += 1;
    }
  }
  return terms;
}
