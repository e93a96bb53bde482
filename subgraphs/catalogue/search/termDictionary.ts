import SearchableMap from 'minisearch/SearchableMap';

/**
 * Every indexed term, numbered, with its document frequency. The terms also
 * sit in MiniSearch's radix tree (`SearchableMap`), which expands a prefix
 * or a misspelt word into the indexed terms it could mean.
 */
export class TermDictionary {
  private readonly ids = new Map<string, number>();
  private readonly tree = new SearchableMap<number>();
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
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.tree.set(term, id);
      this.terms.push(term);
      if (id >= this.df.length) {
        const grown = new Int32Array(this.df.length * 2);
        grown.set(this.df);
        this.df = grown;
      }
    }
    return id;
  }

  /** Every term starting with `prefix` (the prefix itself excluded) that some live document holds, in no particular order. */
  completions(prefix: string): number[] {
    const found: number[] = [];
    for (const [term, id] of this.tree.atPrefix(prefix)) {
      if (term !== prefix && this.df[id]! > 0) found.push(id);
    }
    return found;
  }

  /** Terms within `distance` edits of `term` (the term itself excluded) that some live document holds, with their distance, in no particular order. */
  neighbours(term: string, distance: number): { id: number; distance: number }[] {
    const out: { id: number; distance: number }[] = [];
    for (const [key, [id, edits]] of this.tree.fuzzyGet(term, distance)) {
      if (key !== term && this.df[id]! > 0) out.push({ id, distance: edits });
    }
    return out;
  }
}
