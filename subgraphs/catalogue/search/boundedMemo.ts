/**
 * Results memoised per key, for the analysis a catalogue repeats: words,
 * runs of Chinese or Thai, whole keyword texts, characters, query words'
 * stems (its vocabulary is far smaller than its text). Emptied when full
 * rather than evicting one by one: what is frequent comes back at once,
 * and text of any size, or queries naming any of Unicode's code points,
 * cannot grow it past `limit` entries.
 */
export class BoundedMemo<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(key, value);
  }

  /** The value memoised for `key`, made by `make` when there is none. */
  of(key: K, make: (key: K) => V): V {
    let value = this.entries.get(key);
    if (value === undefined) this.set(key, (value = make(key)));
    return value;
  }
}
