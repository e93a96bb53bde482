/**
 * Text normalisation shared by indexing and querying, so both sides always
 * fold the same way: NFKD with combining marks removed (`Hà Nội` → `ha noi`),
 * `đ` → `d`, lower case; Han, Kana and Hangul characters become one token
 * each, everything else splits on non-letters and non-digits.
 */
const combiningMarks = /\p{M}+/gu;
const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const wordParts = /[\p{L}\p{N}]+/gu;

export function foldText(text: string): string {
  return text.normalize('NFKD').replace(combiningMarks, '').replace(/đ/g, 'd').replace(/Đ/g, 'd').toLowerCase();
}

export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of foldText(text).matchAll(wordParts)) {
    const word = match[0];
    if (!cjk.test(word)) {
      tokens.push(word);
      continue;
    }
    let run = '';
    for (const char of word) {
      if (cjk.test(char)) {
        if (run) tokens.push(run);
        run = '';
        tokens.push(char);
      } else run += char;
    }
    if (run) tokens.push(run);
  }
  return tokens;
}
