/**
 * A growable set of small non-negative integers (document numbers) as a bit
 * array: filters are ORs and ANDs of these, and a search marks its hits in
 * one, which keeps filtered search flat as the catalogue grows.
 */
export class Bitset {
  words: Uint32Array;

  constructor(capacity = 1024) {
    this.words = new Uint32Array(Math.max(1, Math.ceil(capacity / 32)));
  }

  private grow(bit: number): void {
    const needed = (bit >>> 5) + 1;
    if (needed <= this.words.length) return;
    const next = new Uint32Array(Math.max(needed, this.words.length * 2));
    next.set(this.words);
    this.words = next;
  }

  /** Makes room for bits below `size` without setting any. */
  reserve(size: number): this {
    if (size > 0) this.grow(size - 1);
    return this;
  }

  add(bit: number): void {
    this.grow(bit);
    this.words[bit >>> 5]! |= 1 << (bit & 31);
  }

  delete(bit: number): void {
    const index = bit >>> 5;
    if (index < this.words.length) this.words[index]! &= ~(1 << (bit & 31));
  }

  has(bit: number): boolean {
    const index = bit >>> 5;
    return index < this.words.length && (this.words[index]! & (1 << (bit & 31))) !== 0;
  }

  clear(): this {
    this.words.fill(0);
    return this;
  }

  /** Makes this a copy of `other`, reusing its own words where they suffice. */
  copyFrom(other: Bitset): this {
    if (this.words.length < other.words.length) this.words = new Uint32Array(other.words.length);
    this.words.set(other.words);
    this.words.fill(0, other.words.length);
    return this;
  }

  clone(): Bitset {
    const copy = new Bitset(0);
    copy.words = this.words.slice();
    return copy;
  }

  /** In place: this ∪ other. */
  or(other: Bitset): this {
    if (other.words.length > this.words.length) this.grow(other.words.length * 32 - 1);
    const words = this.words;
    const theirs = other.words;
    for (let i = 0; i < theirs.length; i += 1) words[i]! |= theirs[i]!;
    return this;
  }

  /** In place: this ∩ other. */
  and(other: Bitset): this {
    const words = this.words;
    const theirs = other.words;
    const shared = Math.min(words.length, theirs.length);
    for (let i = 0; i < shared; i += 1) words[i]! &= theirs[i]!;
    words.fill(0, shared);
    return this;
  }

  count(): number {
    const words = this.words;
    let total = 0;
    for (let i = 0; i < words.length; i += 1) total += popcount(words[i]!);
    return total;
  }

  /** Writes the members ascending, but for those of `except`, into `target` (room for them all); returns how many. */
  listInto(target: Int32Array, except?: Bitset): number {
    const words = this.words;
    const excepted = except?.words;
    let at = 0;
    for (let w = 0; w < words.length; w += 1) {
      let bits = excepted && w < excepted.length ? words[w]! & ~excepted[w]! : words[w]!;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        target[at++] = (w << 5) + 31 - Math.clz32(low);
      }
    }
    return at;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    const words = this.words;
    for (let i = 0; i < words.length; i += 1) {
      let word = words[i]!;
      while (word !== 0) {
        const low = word & -word;
        yield (i << 5) + 31 - Math.clz32(low);
        word ^= low;
      }
    }
  }
}

/** Set bits in a 32-bit word. */
export function popcount(word: number): number {
  let value = word - ((word >>> 1) & 0x55555555);
  value = (value & 0x33333333) + ((value >>> 2) & 0x33333333);
  return Math.imul((value + (value >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * |a ∩ b| for two bitsets' words. Branch-free: with a sparse value, whether
 * a word is zero cannot be predicted, and a test costs more than the count.
 */
export function andCount(a: Uint32Array, b: Uint32Array): number {
  const shared = Math.min(a.length, b.length);
  let total = 0;
  for (let i = 0; i < shared; i += 1) {
    let value = a[i]! & b[i]!;
    value -= (value >>> 1) & 0x55555555;
    value = (value & 0x33333333) + ((value >>> 2) & 0x33333333);
    total += Math.imul((value + (value >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
  }
  return total;
}
