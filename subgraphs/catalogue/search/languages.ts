import { createRequire } from 'node:module';
import { Converter } from 'opencc-js/t2cn';
import { BoundedMemo } from './boundedMemo.ts';
import { glossarySubjectWords, type GlossaryLanguage } from './glossary/glossaryData.ts';

const require = createRequire(import.meta.url);

/**
 * What the analyzer knows of each catalogue language: its stop words and
 * its stemmer. Every list and algorithm comes from a maintained package:
 * stop words from `stopwords-iso`; Snowball's English and Portuguese
 * stemmers from `snowball-stemmers`; the Indonesian and Malay stemmers of
 * nlp.js (`@nlpjs/lang-id`, `@nlpjs/lang-ms`, Sastrawi's rules); Chinese
 * traditional → simplified from OpenCC's dictionaries (`opencc-js`).
 */

/** Languages whose words are written with spaces between them, in Latin script. */
export const latinLanguages = ['en', 'pt', 'vi', 'ms', 'id'] as const;
/** Languages whose words are stemmed; the bit each has in a term's language mask. */
export const stemmedLanguages = ['en', 'pt', 'ms', 'id'] as const;
export type StemmedLanguage = (typeof stemmedLanguages)[number];

/** The language a text tag names, reduced to its primary subtag (`zh-Hant-MO` → `zh`), lower case. */
export const primaryLanguage = (tag: string | undefined): string => (tag ?? '').toLowerCase().split(/[-_]/)[0]!;

/** The bit of a text's language in a term's language mask (see `stemmedLanguages`); 0 for a language not stemmed. */
export function stemmedLanguageBit(tag: string | undefined): number {
  const index = stemmedLanguages.indexOf(primaryLanguage(tag) as StemmedLanguage);
  return index >= 0 ? 1 << index : 0;
}

const stopLists = require('stopwords-iso') as Record<string, string[]>;
const stopSets = new Map<string, Set<string>>();

/**
 * The stop words of `language`: `stopwords-iso`'s list less the words the
 * glossary names as subjects (its lists are long, and hold `area`,
 * `goods`, `năm`, `tháng`…). Words of one or two letters stay stop words, except in Vietnamese, whose syllables are that short.
 */
export function stopWordsOf(language: string): ReadonlySet<string> {
  let set = stopSets.get(language);
  if (set) return set;
  const list = stopLists[language] ?? [];
  const subjects = ['en', 'zh', 'vi', 'ms', 'id', 'pt', 'th'].includes(language) ? glossarySubjectWords(language as GlossaryLanguage) : new Set<string>();
  const normal = list.map((word) => word.normalize('NFC').toLowerCase());
  set = new Set(normal.filter((word) => (language !== 'vi' && [...word].length <= 2) || !subjects.has(word)));
  stopSets.set(language, set);
  return set;
}

/** Whether `word` is a stop word of any Latin-script catalogue language (a query's language is not known). */
export function isLatinStopWord(word: string): boolean {
  return latinLanguages.some((language) => stopWordsOf(language).has(word));
}

interface Stemmer {
  stem(word: string): string;
}
let stemmers: Record<StemmedLanguage, Stemmer> | undefined;
function stemmerOf(language: StemmedLanguage): Stemmer {
  if (!stemmers) {
    const snowball = require('snowball-stemmers') as { newStemmer(name: string): Stemmer };
    const { StemmerId } = require('@nlpjs/lang-id') as { StemmerId: new () => { stemWord(word: string): string } };
    const { StemmerMs } = require('@nlpjs/lang-ms') as { StemmerMs: new () => { stemWord(word: string): string } };
    const id = new StemmerId();
    const ms = new StemmerMs();
    stemmers = {
      en: snowball.newStemmer('english'),
      pt: snowball.newStemmer('portuguese'),
      id: { stem: (word) => id.stemWord(word) },
      ms: { stem: (word) => ms.stemWord(word) },
    };
  }
  return stemmers[language];
}

/** The stem of a lower-case word of `language`; the word itself when the stemmer fails on it. */
export function stemOf(word: string, language: StemmedLanguage): string {
  try {
    return stemmerOf(language).stem(word) || word;
  } catch {
    return word;
  }
}

/** Query words' stems kept per language: a catalogue's queries repeat their words, and four stemmers a word add up. */
const memoisedStems = 4096;
const stemMemos = stemmedLanguages.map(() => new BoundedMemo<string, string>(memoisedStems));

/** `stemOf`, memoised for query words. */
export function memoisedStemOf(word: string, language: StemmedLanguage): string {
  return stemMemos[stemmedLanguages.indexOf(language)]!.of(word, (each) => stemOf(each, language));
}

const toSimplified = Converter({ from: 'hk', to: 'cn' });

/**
 * Chinese in one script: traditional characters (Macao writes Hong Kong's
 * variants) converted to simplified with OpenCC's phrase dictionaries, so
 * `貿易` and `贸易` are one term.
 */
export function simplifiedChinese(text: string): string {
  return toSimplified(text);
}
