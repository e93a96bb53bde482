import type { DatasetRecord } from '../../../schema/datasetRecord.ts';

/** Size of one arena chunk, in bytes. */
const chunkBytes = 16 * 1024 * 1024;
/** Parsed records kept for reuse: the pages and lineage neighbours being read right now. */
const parsedCacheSize = 2048;

/**
 * The harvested records, kept as UTF-8 JSON in large shared buffers rather
 * than as object graphs: about 1.7 kB a dataset instead of 4 kB, which is
 * what lets one process hold a million. A record is parsed when it is read
 * (a page of hits, a lineage neighbour), with a small cache of the most
 * recently read. Removed records leave garbage that a compaction reclaims.
 */
export class RecordArena {
  private chunks: Buffer[] = [Buffer.allocUnsafe(chunkBytes)];
  private used = 0;
  private chunkOf = new Uint16Array(1024);
  private startOf = new Int32Array(1024);
  private lengthOf = new Int32Array(1024);
  private liveBytes = 0;
  private totalBytes = 0;
  private readonly parsed = new Map<number, DatasetRecord>();

  private ensure(doc: number): void {
    if (doc < this.lengthOf.length) return;
    const capacity = Math.max(doc + 1, this.lengthOf.length * 2);
    const chunkOf = new Uint16Array(capacity);
    chunkOf.set(this.chunkOf);
    const startOf = new Int32Array(capacity);
    startOf.set(this.startOf);
    const lengthOf = new Int32Array(capacity);
    lengthOf.set(this.lengthOf);
    this.chunkOf = chunkOf;
    this.startOf = startOf;
    this.lengthOf = lengthOf;
  }

  private write(doc: number, json: string): void {
    const length = Buffer.byteLength(json);
    if (length > chunkBytes) throw new Error(`A dataset record of ${length} bytes is larger than the ${chunkBytes}-byte limit.`);
    if (this.used + length > chunkBytes) {
      this.chunks.push(Buffer.allocUnsafe(chunkBytes));
      this.used = 0;
    }
    const chunk = this.chunks.length - 1;
    this.chunks[chunk]!.write(json, this.used, 'utf8');
    this.chunkOf[doc] = chunk;
    this.startOf[doc] = this.used;
    this.lengthOf[doc] = length;
    this.used += length;
    this.liveBytes += length;
    this.totalBytes += length;
  }

  put(doc: number, record: DatasetRecord): void {
    this.ensure(doc);
    this.parsed.delete(doc);
    this.write(doc, JSON.stringify(record));
  }

  get(doc: number): DatasetRecord | undefined {
    if (doc >= this.lengthOf.length || this.lengthOf[doc] === 0) return undefined;
    const cached = this.parsed.get(doc);
    if (cached) {
      // Re-insert: Map order is the recency order of the cache.
      this.parsed.delete(doc);
      this.parsed.set(doc, cached);
      return cached;
    }
    const start = this.startOf[doc]!;
    const record = JSON.parse(this.chunks[this.chunkOf[doc]!]!.toString('utf8', start, start + this.lengthOf[doc]!)) as DatasetRecord;
    this.parsed.set(doc, record);
    if (this.parsed.size > parsedCacheSize) this.parsed.delete(this.parsed.keys().next().value!);
    return record;
  }

  remove(doc: number): void {
    if (doc >= this.lengthOf.length || this.lengthOf[doc] === 0) return;
    this.liveBytes -= this.lengthOf[doc]!;
    this.lengthOf[doc] = 0;
    this.parsed.delete(doc);
    if (this.totalBytes > 4 * chunkBytes && this.liveBytes * 2 < this.totalBytes) this.compact();
  }

  /** Copies every live record into fresh chunks, dropping the garbage. */
  private compact(): void {
    const old = { chunks: this.chunks, chunkOf: this.chunkOf.slice(), startOf: this.startOf.slice() };
    this.chunks = [Buffer.allocUnsafe(chunkBytes)];
    this.used = 0;
    this.liveBytes = 0;
    this.totalBytes = 0;
    for (let doc = 0; doc < this.lengthOf.length; doc += 1) {
      const length = this.lengthOf[doc]!;
      if (length === 0) continue;
      const start = old.startOf[doc]!;
      this.write(doc, old.chunks[old.chunkOf[doc]!]!.toString('utf8', start, start + length));
    }
  }
}
