/**
 * One list of (node, edge) pairs per node, all in one Int32Array: node n's
 * pairs are `items[2 * start[n] .. 2 * (start[n] + length[n]))`, the node of
 * each first, in the order appended. A list that outgrows its block moves to
 * the end with twice the room. Blocks only double, so the room a node's moves
 * left behind is less than its current block: the space left behind never
 * outweighs the space in use, and nothing needs compacting (a list keeps the
 * room it once needed). Reading a list is a run of one array, not a hop to a
 * heap object per node (nor to an edge table for the node at the other end),
 * and the pool is a handful of objects for the garbage collector whatever the
 * graph's size.
 */
export class AdjacencyPool {
  items: Int32Array;
  start: Int32Array;
  length: Int32Array;
  private capacity: Int32Array;
  /** End of the last block, in pairs. */
  private top = 0;

  /** @param capacity nodes and pairs to make room for at first; both grow as needed. @default 1024 */
  constructor(capacity = 1024) {
    const size = Math.max(1, capacity);
    this.items = new Int32Array(size * 2);
    this.start = new Int32Array(size);
    this.length = new Int32Array(size);
    this.capacity = new Int32Array(size);
  }

  /** Makes room for nodes numbered below `count`. */
  ensureNodes(count: number): void {
    if (count <= this.start.length) return;
    const size = Math.max(count, this.start.length * 2);
    this.start = grown(this.start, size);
    this.length = grown(this.length, size);
    this.capacity = grown(this.capacity, size);
  }

  append(node: number, other: number, edge: number): void {
    const length = this.length[node]!;
    if (length === this.capacity[node]!) this.relocate(node, Math.max(2, length * 2));
    const at = (this.start[node]! + length) * 2;
    this.items[at] = other;
    this.items[at + 1] = edge;
    this.length[node] = length + 1;
  }

  /** Removes the pair whose edge is `edge` from the node's list, keeping the others' order. */
  remove(node: number, edge: number): void {
    const from = this.start[node]! * 2;
    const end = from + this.length[node]! * 2;
    const items = this.items;
    for (let at = from; at < end; at += 2) {
      if (items[at + 1] !== edge) continue;
      items.copyWithin(at, at + 2, end);
      this.length[node] = this.length[node]! - 1;
      return;
    }
  }

  /** Replaces every edge e in every list by `renumbered[e]`. */
  renumberEdges(renumbered: Int32Array, nodeCount: number): void {
    const items = this.items;
    for (let node = 0; node < nodeCount; node += 1) {
      const from = this.start[node]! * 2;
      const end = from + this.length[node]! * 2;
      for (let at = from + 1; at < end; at += 2) items[at] = renumbered[items[at]!]!;
    }
  }

  private relocate(node: number, capacity: number): void {
    if ((this.top + capacity) * 2 > this.items.length) this.items = grown(this.items, Math.max((this.top + capacity) * 2, this.items.length * 2));
    const from = this.start[node]! * 2;
    this.items.copyWithin(this.top * 2, from, from + this.length[node]! * 2);
    this.start[node] = this.top;
    this.capacity[node] = capacity;
    this.top += capacity;
  }
}

function grown(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(size);
  next.set(array);
  return next;
}
