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

/**
 * Tokens of `text` with their spans in the original string (UTF-16 offsets).
 */
export function tokenizeWithSpans(text: string): Token[] {
  const tokens: Token[] = [];
  let word = '';
  let wordStart = -1;
  let cjkRun: { char: string; start: number; end: number }[] = [];
  const flushWord = (end: number) => {
    if (word) tokens.push({ term: word, start: wordStart, end });
    word = '';
    wordStart = -1;
  };
  const flushCjk = () => {
    if (cjkRun.length === 1) tokens.push({ term: cjkRun[0]!.char, start: cjkRun[0]!.start, end: cjkRun[0]!.end });
    for (let i = 0; i + 1 < cjkRun.length; i += 1) {
      tokens.push({ term: cjkRun[i]!.char + cjkRun[i + 1]!.char, start: cjkRun[i]!.start, end: cjkRun[i + 1]!.end });
    }
    cjkRun = [];
  };
  let offset = 0;
  for (const char of text) {
    const end = offset + char.length;
    if (cjkChar.test(char)) {
      flushWord(offset);
      cjkRun.push({ char, start: offset, end });
    } else if (wordChar.test(char) || combiningMark.test(char)) {
      flushCjk();
      const folded = foldChar(char);
      if (folded) {
        if (wordStart < 0) wordStart = offset;
        word += folded;
      }
    } else {
      flushWord(offset);
      flushCjk();
    }
    offset = end;
  }
  flushWord(offset);
  flushCjk();
  return tokens;
}

/** The terms of `text`, as indexed and as queried. */
export function tokenize(text: string): string[] {
  return tokenizeWithSpans(text).map((token) => token.term);
}
