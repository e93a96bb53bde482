import { readFileSync } from 'node:fs';

/** The catalogue languages the glossary names concepts in, in its columns' order. */
export const glossaryLanguages = ['en', 'zh', 'vi', 'ms', 'id', 'pt', 'th'] as const;
export type GlossaryLanguage = (typeof glossaryLanguages)[number];

/** One concept of the glossary: its id (a WordNet synset) and its names per language. */
export interface GlossaryConcept {
  id: string;
  names: Partial<Record<GlossaryLanguage, readonly string[]>>;
}

let concepts: GlossaryConcept[] | undefined;

/**
 * The concepts of `glossary.tsv` (see SOURCE.md beside it), read once, on
 * first use: about 1,500 concepts, 190 kB. Names are lower-cased as read.
 */
export function glossaryConcepts(): readonly GlossaryConcept[] {
  if (concepts) return concepts;
  const text = readFileSync(new URL('./glossary.tsv', import.meta.url), 'utf8');
  concepts = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [id, ...columns] = line.split('\t');
    const names: GlossaryConcept['names'] = {};
    glossaryLanguages.forEach((language, i) => {
      const cell = columns[i]?.trim();
      if (cell) names[language] = cell.split('|').map((name) => name.normalize('NFC').toLowerCase());
    });
    concepts.push({ id: id!, names });
  }
  return concepts;
}

/**
 * Words the glossary names as subjects in `language`: a single-word name,
 * or (Vietnamese, whose words are syllables written apart) any syllable of
 * a name. Such a word is never a stop word, whatever a stop list says:
 * `số` is a Vietnamese stop word alone, and half of `dân số` (population).
 */
export function glossarySubjectWords(language: GlossaryLanguage): Set<string> {
  const words = new Set<string>();
  for (const concept of glossaryConcepts()) {
    for (const name of concept.names[language] ?? []) {
      const parts = name.split(' ');
      if (parts.length === 1 || language === 'vi') for (const part of parts) words.add(part);
    }
  }
  return words;
}
