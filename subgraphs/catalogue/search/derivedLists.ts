import type { Postings } from './postings.ts';

/** Entries the derived lists of one index may hold together; past this many they are made afresh. */
const keptEntries = 1 << 22;

/**
 * Posting lists a search derives from the index's own and which depend on
 * nothing else: a phrase's (the entries of its first term whose documents
 * hold every other term) and a stem's entries in some languages. Made when
 * first asked and kept until the index changes (`at`), so a query searched
 * again does not copy them again; bounded by their entries, emptied when
 * full rather than evicting one by one, as `BoundedMemo` is.
 */
export class DerivedLists {
  private readonly lists = new Map<string, Postings | undefined>();
  private entries = 0;
  private changes = -1;

  /** These lists, for an index whose changes count is `changes`: emptied when it is not the one they were made at. */
  at(changes: number): this {
    if (changes !== this.changes) {
      this.lists.clear();
      this.entries = 0;
      this.changes = changes;
    }
    return this;
  }

  /** The list kept under `key`, or made by `make` and kept. */
  of(key: string, make: () => Postings | undefined): Postings | undefined {
    if (this.lists.has(key)) return this.lists.get(key);
    const list = make();
    const size = list?.length ?? 0;
    if (this.entries + size > keptEntries) {
      this.lists.clear();
      this.entries = 0;
    }
    this.lists.set(key, list);
    this.entries += size;
    return list;
  }
}
