import { describe, expect, it } from 'vitest';
import { analyze, analyzeForIndex, foldText, tokenize, tokenizeWithSpans } from '../../../subgraphs/catalogue/search/analyzer.ts';
import { analyzeQuery } from '../../../subgraphs/catalogue/search/analyzeQuery.ts';
import { generateDatasets } from '../../../bench/generateDatasets.ts';

describe('analyzer', () => {
  it.each([
    ['Hà Nội, Đà Nẵng', ['hà', 'nội', 'đà', 'nẵng']],
    ['南宁海关 出口', ['南宁', '宁海', '海关', '出口']],
    ['澳門 A 貨', ['澳门', 'a', '货']],
    ['Comércio Externo (2024)', ['comércio', 'externo', '2024']],
    ['ＣＳＶ　Ｔｒａｄｅ', ['csv', 'trade']],
    ['COVID-19 e.g.', ['covid', '19', 'e', 'g']],
    ['Kelahiran Hidup Harian', ['kelahiran', 'hidup', 'harian']],
    ['ﬁnance ①', ['finance', '1']],
    ['', []],
  ])('tokenizes %j', (text, terms) => {
    expect(tokenize(text)).toEqual(terms);
  });

  it.each([
    // Characters the segmenter leaves alone side by side are one word, looked up as the index has them: their bigrams.
    ['年月', [['年月', ['年月']]]],
    ['年月度', [['年月度', ['年月', '月度']]]],
    ['南宁海关 年月', [['南宁', ['南宁']], ['海关', ['海关']], ['年月', ['年月']]]],
    // A lone character stays itself; a word the segmenter knows stays whole.
    ['年', [['年', ['年']]]],
    ['統計 年', [['统计', ['统计']], ['年', ['年']]]],
  ])('reads the query %j as its words and their terms', (text, words) => {
    expect(analyzeQuery(text).map((word) => [word.text, word.terms])).toEqual(words);
  });

  it('folds the same whichever way a text is written', () => {
    expect(foldText('Hà Nội')).toBe(foldText('ha noi'));
    expect(foldText('Hà Nội')).toBe(foldText('Ha\u0300 No\u0323\u0302i'));
  });

  it('gives the same terms with and without spans, and spans that cover the terms\' source text', () => {
    const texts = generateDatasets(300, 11).flatMap((record) => [...record.title, ...record.description].map((text) => text.value));
    for (const text of [...texts, 'Trade <b>& Tariffs</b>', '𠀀𠀁 emoji 😀 mixed中文text']) {
      const withSpans = tokenizeWithSpans(text);
      expect(withSpans.map((token) => token.term)).toEqual(tokenize(text));
      for (const token of withSpans) expect(tokenize(text.slice(token.start, token.end))).toContain(token.term);
    }
  });

  it('indexes the terms and positions it highlights, with the stop words kept when asked, memoised or not', () => {
    const texts = generateDatasets(200, 12).flatMap((record) => [...record.title, ...record.description, ...record.keywords.map((value) => ({ lang: record.language, value }))]);
    const odd = ['ＣＳＶ　Ｔｒａｄｅ of the re-export', 'Ha\u0300 No\u0323\u0302i và Hà Nội', 'ﬁnance ①', '澳門 A 貨 貿易統計', 'การค้า และ ส่งออก', '𠀀𠀁 emoji 😀'];
    for (const { lang, value } of [...texts, ...odd.flatMap((value) => ['en', 'vi', 'th', 'zh-Hant-MO'].map((lang) => ({ lang, value })))]) {
      const { terms, positions } = analyze(value, lang);
      // Twice each: the second reading may come from the memo.
      for (const repeated of [false, true, true]) {
        const indexed = analyzeForIndex(value, lang, { unstopped: true, repeated });
        expect(indexed.terms).toEqual(terms);
        expect(indexed.positions).toEqual(positions);
        expect(indexed.unstopped).toEqual(tokenize(value));
        expect(analyzeForIndex(value, lang, { repeated }).terms).toEqual(terms);
      }
    }
  });
});
