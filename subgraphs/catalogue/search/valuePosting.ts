import { andCount, Bitset } from './bitset.ts';

/**
 * The documents having one facet value. Rare values (most keywords) keep a
 * plain list, common ones a bitset: one bitset per value would cost
 * maxDoc/8 bytes for every keyword ever seen.
 */
export class ValuePosting {
  private list: number[] | undefined = [];
  bits: Bitset | undefined;
  size = 0;

  constructor(private readonly promoteAt: number) {}

  add(doc: number): void {
    this.size += 1;
    if (this.bits) return this.bits.add(doc);
    this.list!.push(doc);
    if (this.list!.length >= this.promoteAt) {
      this.bits = new Bitset();
      for (const each of this.list!) this.bits.add(each);
      this.list = undefined;
    }
  }

  delete(doc: number): void {
    this.size -= 1;
    if (this.bits) return this.bits.delete(doc);
    const at = this.list!.indexOf(doc);
    if (at >= 0) {
      this.list![at] = this.list![this.list!.length - 1]!;
      this.list!.pop();
    }
  }

  orInto(target: Bitset): void {
    if (this.bits) target.or(this.bits);
    else for (const doc of this.list!) target.add(doc);
  }

  /** How many of its documents are in `hits`. */
  countIn(hits: Bitset): number {
    if (this.bits) return andCount(hits.words, this.bits.words);
    let total = 0;
    for (const doc of this.list!) if (hits.has(doc)) total += 1;
    return total;
  }
}
