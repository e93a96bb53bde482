/**
 * Builds `glossary.tsv` from the Open Multilingual Wordnet's data
 * (github.com/omwn/omw-data; see SOURCE.md): the concepts (WordNet 3.0
 * synsets) named by the English words the catalogue's own metadata uses,
 * each with its lemmas in the catalogue's languages. Run by hand when the
 * glossary should change; nothing reads the wordnets at run time.
 *
 *   npx tsx subgraphs/catalogue/search/glossary/buildGlossary.ts <omw-data checkout>
 *
 * Which concepts: every English lemma (one to three words) used at least
 * twice in the English titles, keywords and descriptions of the demo
 * regions' datasets or in the benchmark generator's vocabulary, or in the
 * EU data-theme labels, that names a noun or adjective synset; of a
 * lemma's synsets the one with lemmas in the most target languages (a
 * proxy for its main sense), kept when at least three of the six other
 * languages name it. At most four lemmas per language per concept, the
 * wordnets' own before Wiktionary's.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { dataThemes } from '../../../shared/dcatVocabularies.ts';
import { vocabulary } from '../../../../bench/datasetVocabulary.ts';

const languages = ['en', 'zh', 'vi', 'ms', 'id', 'pt', 'th'] as const;
type Language = (typeof languages)[number];

/** OMW files per language, best first: a project's own wordnet, then Wiktionary's links, then CLDR's. */
const sources: Record<Language, string[]> = {
  en: ['wns/wikt/wn-wikt-eng.tab', 'wns/cldr/wn-cldr-eng.tab'],
  zh: ['wns/cow/wn-data-cmn.tab', 'wns/wikt/wn-wikt-cmn.tab', 'wns/cldr/wn-cldr-cmn.tab'],
  vi: ['wns/wikt/wn-wikt-vie.tab', 'wns/cldr/wn-cldr-vie.tab'],
  ms: ['wns/msa/wn-data-zsm.tab', 'wns/wikt/wn-wikt-zsm.tab', 'wns/cldr/wn-cldr-zsm.tab'],
  id: ['wns/msa/wn-data-ind.tab', 'wns/wikt/wn-wikt-ind.tab', 'wns/cldr/wn-cldr-ind.tab'],
  pt: ['wns/por/wn-data-por.tab', 'wns/wikt/wn-wikt-por.tab', 'wns/cldr/wn-cldr-por.tab'],
  th: ['wns/wikt/wn-wikt-tha.tab', 'wns/cldr/wn-cldr-tha.tab'],
};
const lemmasPerLanguage = 4;
/** A lemma is kept only in its language's own script (Wiktionary's links hold some in another). */
const latin = /^[\p{Script=Latin}\p{M}\d\s'’.-]+$/u;
const scripts: Record<Language, RegExp> = { en: latin, vi: latin, ms: latin, id: latin, pt: latin, zh: /^[\p{Script=Han}]+$/u, th: /^[\p{Script=Thai}\s]+$/u };
const minimumOtherLanguages = 3;

const omw = process.argv[2];
if (!omw) {
  console.error('Usage: buildGlossary.ts <omw-data checkout>');
  process.exit(2);
}

/** synset → language → lemmas, in source order. */
const synsets = new Map<string, Map<Language, string[]>>();
for (const language of languages) {
  for (const file of sources[language]) {
    for (const line of readFileSync(join(omw, file), 'utf8').split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const [synset, kind, lemma] = line.split('\t');
      if (!synset || !lemma || !kind?.endsWith('lemma') || !/-[na]$/.test(synset)) continue;
      const clean = lemma.trim().replace(/_/g, ' ');
      if (!clean || clean.split(' ').length > 4 || /[|\t]/.test(clean) || !scripts[language].test(clean)) continue;
      let byLanguage = synsets.get(synset);
      if (!byLanguage) synsets.set(synset, (byLanguage = new Map()));
      const list = byLanguage.get(language) ?? [];
      if (!list.some((known) => known.toLowerCase() === clean.toLowerCase())) list.push(clean);
      byLanguage.set(language, list);
    }
  }
}

/** English words and word pairs the catalogue uses, with their counts. */
const counts = new Map<string, number>();
const count = (text: string) => {
  const words = text.toLowerCase().split(/[^a-z-]+/).filter((word) => word.length > 1);
  for (let i = 0; i < words.length; i += 1) {
    for (let n = 1; n <= 3 && i + n <= words.length; n += 1) {
      const phrase = words.slice(i, i + n).join(' ');
      counts.set(phrase, (counts.get(phrase) ?? 0) + 1);
    }
  }
};
const demo = fileURLToPath(new URL('../../../demo/', import.meta.url));
for (const region of ['CN-GX', 'MO', 'VN', 'MY', 'SG']) {
  for (const name of readdirSync(join(demo, region))) {
    if (!/\.(ya?ml|json)$/.test(name)) continue;
    const text = readFileSync(join(demo, region, name), 'utf8');
    const file = (name.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as Record<string, unknown>;
    const english = (value: unknown) => (typeof value === 'string' ? value : ((value as Record<string, string> | undefined)?.en ?? ''));
    const language = file.language as string | undefined;
    if (language === 'en' || typeof file.title !== 'string') count(english(file.title));
    if (language === 'en' || typeof file.description !== 'string') count(english(file.description));
    for (const keyword of (file.keywords as string[] | undefined) ?? []) count(keyword);
  }
}
for (const label of Object.values(dataThemes)) for (const part of label.split(/,| and /)) counts.set(part.trim().toLowerCase(), 99);
for (const rows of Object.values(vocabulary)) {
  if (!Array.isArray(rows)) continue;
  for (const row of rows as { t?: { en?: string } }[]) if (row?.t?.en) counts.set(row.t.en.toLowerCase(), 99);
}

/** English lemma → its synsets. */
const byEnglish = new Map<string, string[]>();
for (const [synset, byLanguage] of synsets) {
  for (const lemma of byLanguage.get('en') ?? []) {
    const key = lemma.toLowerCase();
    byEnglish.set(key, [...(byEnglish.get(key) ?? []), synset]);
  }
}
const otherLanguages = (synset: string) => languages.filter((language) => language !== 'en' && (synsets.get(synset)!.get(language)?.length ?? 0) > 0).length;

const chosen = new Set<string>();
for (const [phrase, uses] of counts) {
  if (uses < 2) continue;
  const candidates = byEnglish.get(phrase);
  if (!candidates) continue;
  // Nouns before adjectives, then the sense most languages name, then the synset id for a stable choice.
  const best = [...candidates].sort((a, b) => Number(b.endsWith('-n')) - Number(a.endsWith('-n')) || otherLanguages(b) - otherLanguages(a) || (a < b ? -1 : 1))[0]!;
  if (otherLanguages(best) >= minimumOtherLanguages) chosen.add(best);
}

const lines = ['# concept\ten\tzh\tvi\tms\tid\tpt\tth (synonyms separated by |); see SOURCE.md'];
for (const synset of [...chosen].sort()) {
  const byLanguage = synsets.get(synset)!;
  lines.push([`omw:${synset}`, ...languages.map((language) => (byLanguage.get(language) ?? []).slice(0, lemmasPerLanguage).join('|'))].join('\t'));
}
writeFileSync(fileURLToPath(new URL('./glossary.tsv', import.meta.url)), `${lines.join('\n')}\n`);
console.log(`${chosen.size} concepts`);
