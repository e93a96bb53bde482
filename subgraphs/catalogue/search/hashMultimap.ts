const empty = -1;
const removed = -2;

/**
 * A multimap from 32-bit hashes to document numbers in two typed arrays
 * (open addressing, linear probing): one entry costs 8 to 16 bytes, where a
 * Map of arrays costs about a hundred, which matters at a million titles.
 */
export class HashMultimap {
  private keys = new Uint32Array(1024);
  private values = new Int32Array(1024).fill(empty);
  /** Slots holding an entry or a removed marker: probing stops only at empty ones. */
  private occupied = 0;
  size = 0;

  add(key: number, value: number): void {
    if ((this.occupied + 1) * 2 > this.values.length) this.rehash();
    const mask = this.values.length - 1;
    let slot = key & mask;
    while (this.values[slot]! >= 0) slot = (slot + 1) & mask;
    if (this.values[slot] === empty) this.occupied += 1;
    this.keys[slot] = key;
    this.values[slot] = value;
    this.size += 1;
  }

  delete(key: number, value: number): void {
    const mask = this.values.length - 1;
    for (let slot = key & mask; this.values[slot] !== empty; slot = (slot + 1) & mask) {
      if (this.values[slot] === value && this.keys[slot] === key >>> 0) {
        this.values[slot] = removed;
        this.size -= 1;
        return;
      }
    }
  }

  get(key: number): number[] {
    const out: number[] = [];
    const mask = this.values.length - 1;
    for (let slot = key & mask; this.values[slot] !== empty; slot = (slot + 1) & mask) {
      if (this.values[slot]! >= 0 && this.keys[slot] === key >>> 0) out.push(this.values[slot]!);
    }
    return out;
  }

  private rehash(): void {
    const { keys, values } = this;
    let capacity = 1024;
    while (capacity < (this.size + 1) * 4) capacity *= 2;
    this.keys = new Uint32Array(capacity);
    this.values = new Int32Array(capacity).fill(empty);
    this.occupied = 0;
    this.size = 0;
    for (let slot = 0; slot < values.length; slot += 1) if (values[slot]! >= 0) this.add(keys[slot]!, values[slot]!);
  }
}
