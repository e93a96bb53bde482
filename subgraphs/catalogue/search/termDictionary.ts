import SearchableMap from 'minisearch/SearchableMap';
import { foldTerm } from './analyzer.ts';
import { memoisedStemOf, stemmedLanguages, stemOf, type StemmedLanguage } from './languages.ts';

/**
 * Every indexed term, numbered, with its document frequency, and the ways
 * a query word reaches terms other than itself, none of which costs a
 * posting:
 * - its folded form (`foldTerm`: `dan` for `dân`, `dẫn` and `dan`): the
 *   folded forms sit in MiniSearch's radix tree (`SearchableMap`), which
 *   expands a prefix or a misspelt word into the forms it could mean, each
 *   standing for the terms that fold to it;
 * - its stem in each stemmed language (`trade` for `trades`, `traded`):
 *   a term joins the stem group of every language whose text it was
 *   indexed from (`noteLanguages`), in any dataset: which datasets a stem
 *   then reaches is checked per posting entry (`entriesInLanguages`).
 */
export class TermDictionary {
  private readonly ids = new Map<string, number>();
  /** Folded form → its number; the numbers index `foldedFirst` / `foldedMore`. */
  private readonly tree = new SearchableMap<number>();
  /** Per folded form, the first term folding to it; the others in `foldedMore`. */
  private foldedFirst = new Int32Array(1024);
  private readonly foldedMore = new Map<number, number[]>();
  private foldedCount = 0;
  /**
   * Per stemmed language, stem → the terms of that language with that stem:
   * one term as a number, several as an array (most stems have one term;
   * a stem equal to its term is keyed by the term's own string).
   */
  private readonly stems: Map<string, number | number[]>[] = stemmedLanguages.map(() => new Map());
  /** Per term, the stemmed languages it was indexed in (bit i: `stemmedLanguages[i]`). */
  private languages = new Uint8Array(1024);
  readonly terms: string[] = [];
  /** Live documents containing each term. */
  df = new Int32Array(1024);

  get size(): number {
    return this.terms.length;
  }

  idOf(term: string): number | undefined {
    return this.ids.get(term);
  }

  /** The term's id, numbering it if new. */
  intern(term: string): number {
    let id = this.ids.get(term);
    if (id !== undefined) return id;
    id = this.terms.length;
    this.ids.set(term, id);
    this.terms.push(term);
    if (id >= this.df.length) {
      const grown = new Int32Array(this.df.length * 2);
      grown.set(this.df);
      this.df = grown;
      const languages = new Uint8Array(grown.length);
      languages.set(this.languages);
      this.languages = languages;
    }
    const folded = foldTerm(term);
    const known = this.tree.get(folded);
    if (known === undefined) {
      const number = this.foldedCount++;
      if (number >= this.foldedFirst.length) {
        const grown = new Int32Array(this.foldedFirst.length * 2);
        grown.set(this.foldedFirst);
        this.foldedFirst = grown;
      }
      this.foldedFirst[number] = id;
      this.tree.set(folded, number);
    } else {
      const more = this.foldedMore.get(known);
      if (more) more.push(id);
      else this.foldedMore.set(known, [id]);
    }
    return id;
  }

  /** Records that term `id` was indexed from texts in the stemmed languages of `mask` (bit i: `stemmedLanguages[i]`): it is stemmed once per language, the first time. */
  noteLanguages(id: number, mask: number): void {
    const added = mask & ~this.languages[id]!;
    if (added === 0) return;
    this.languages[id]! |= added;
    const term = this.terms[id]!;
    for (let bit = 0; bit < stemmedLanguages.length; bit += 1) {
      if ((added & (1 << bit)) === 0) continue;
      const stem = stemOf(term, stemmedLanguages[bit]!);
      const key = stem === term ? term : stem;
      const stems = this.stems[bit]!;
      const group = stems.get(key);
      if (group === undefined) stems.set(key, id);
      else if (typeof group === 'number') stems.set(key, [group, id]);
      else group.push(id);
    }
  }

  /** Terms folding to the form numbered `number`. */
  private membersOf(number: number): number[] {
    const more = this.foldedMore.get(number);
    return more ? [this.foldedFirst[number]!, ...more] : [this.foldedFirst[number]!];
  }

  /** Every term whose folded form is `folded`, itself included, that some live document holds. */
  foldedGroup(folded: string): number[] {
    const number = this.tree.get(folded);
    return number === undefined ? [] : this.membersOf(number).filter((id) => this.df[id]! > 0);
  }

  /** Terms of `language`'s text sharing `word`'s stem in that language, that some live document holds. */
  stemGroup(word: string, language: StemmedLanguage): number[] {
    const group = this.stems[stemmedLanguages.indexOf(language)]!.get(memoisedStemOf(word, language));
    const ids = group === undefined ? [] : typeof group === 'number' ? [group] : group;
    return ids.filter((id) => this.df[id]! > 0);
  }

  /** Every term whose folded form starts with `prefix` (longer than it) that some live document holds, in no particular order. */
  completions(prefix: string): number[] {
    const found: number[] = [];
    for (const [folded, number] of this.tree.atPrefix(prefix)) {
      if (folded === prefix) continue;
      for (const id of this.membersOf(number)) if (this.df[id]! > 0) found.push(id);
    }
    return found;
  }

  /** Terms whose folded forms are within `distance` edits of `folded` (not equal to it) that some live document holds, with the distance. */
  neighbours(folded: string, distance: number): { id: number; distance: number }[] {
    const out: { id: number; distance: number }[] = [];
    for (const [key, [number, edits]] of this.tree.fuzzyGet(folded, distance)) {
      if (key === folded) continue;
      for (const id of this.membersOf(number)) if (this.df[id]! > 0) out.push({ id, distance: edits });
    }
    return out;
  }
}
