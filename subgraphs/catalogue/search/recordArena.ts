import { deflateRawSync } from 'node:zlib';
import { inflateSync } from 'fflate';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';

/** Size of one arena chunk, in bytes. */
const chunkBytes = 16 * 1024 * 1024;
/** Records compressed together: enough for deflate to find what they share, few enough that reading one inflates little. */
const blockRecords = 8;
/** A block is sealed early once its records hold this many bytes. */
const blockBytes = 64 * 1024;
/** Deflate looks back at most this far, so a longer preset dictionary is wasted. */
const dictionaryBytes = 32 * 1024;
/** Parsed records kept for reuse: the pages and lineage neighbours being read right now. */
const parsedCacheSize = 2048;
/**
 * Inflated blocks kept for reuse: neighbouring documents often share one.
 * They are inflated into buffers allocated once and reused: a fresh buffer
 * per read is memory outside the heap, whose churn (a page reads twenty
 * blocks) makes V8 collect the whole old generation every few seconds.
 */
const inflatedCacheSize = 8;
/** Compaction waits until at least this many stored records are removed ones. */
const compactAfterDeadRecords = 4096;
const pending = -1;

/**
 * The harvested records, kept as UTF-8 JSON compressed in blocks of eight
 * with raw deflate in large shared buffers, rather than as object graphs:
 * about 350 bytes a dataset instead of 4 kB parsed or 2 kB of JSON, which is
 * what lets one process hold a million. Every block is compressed against
 * one preset dictionary, the JSON of the first block stored, so field names,
 * URLs and shared vocabulary cost almost nothing. A record is inflated and
 * parsed when it is read (a page of hits, a lineage neighbour), with small
 * caches of the most recently read. The newest records wait uncompressed
 * until their block fills. Removed records leave garbage that a compaction
 * reclaims.
 */
export class RecordArena {
  private chunks: Buffer[] = [Buffer.allocUnsafe(chunkBytes)];
  private used = 0;
  private dictionary: Buffer | undefined;
  private blockChunk = new Uint16Array(256);
  private blockStart = new Int32Array(256);
  private blockLength = new Int32Array(256);
  /** Per block: its size inflated. */
  private blockInflated = new Int32Array(256);
  private blockCount = 0;
  /** Per document: its block (or `pending`), its offset in the block's inflated bytes (or in `pendingJson`), its length. */
  private blockOf = new Int32Array(1024);
  private offsetOf = new Int32Array(1024);
  private lengthOf = new Int32Array(1024);
  private pendingJson: Buffer[] = [];
  private pendingDocs: number[] = [];
  private pendingBytes = 0;
  private storedRecords = 0;
  private deadRecords = 0;
  private readonly parsed = new Map<number, DatasetRecord>();
  /** Reusable buffers of inflated blocks, the block each holds (-1: none), and which is replaced next. */
  private readonly inflated = Array.from({ length: inflatedCacheSize }, () => ({ block: -1, bytes: Buffer.alloc(0) }));
  private nextInflated = 0;

  private ensure(doc: number): void {
    if (doc < this.lengthOf.length) return;
    const capacity = Math.max(doc + 1, this.lengthOf.length * 2);
    const grow = (array: Int32Array) => {
      const next = new Int32Array(capacity);
      next.set(array);
      return next;
    };
    this.blockOf = grow(this.blockOf);
    this.offsetOf = grow(this.offsetOf);
    this.lengthOf = grow(this.lengthOf);
  }

  put(doc: number, record: DatasetRecord): void {
    this.putJson(doc, Buffer.from(JSON.stringify(record)));
  }

  /** Stores a record already serialised (`JSON.stringify` of it, UTF-8). */
  putJson(doc: number, json: Buffer): void {
    this.ensure(doc);
    this.remove(doc);
    this.parsed.delete(doc);
    this.stage(doc, json);
  }

  private stage(doc: number, json: Buffer): void {
    this.blockOf[doc] = pending;
    this.offsetOf[doc] = this.pendingJson.length;
    this.lengthOf[doc] = json.length;
    this.pendingJson.push(json);
    this.pendingDocs.push(doc);
    this.pendingBytes += json.length;
    if (this.pendingJson.length >= blockRecords || this.pendingBytes >= blockBytes) this.seal();
  }

  /** Compresses the waiting records (those still live) into one block. */
  private seal(): void {
    const parts: Buffer[] = [];
    const docs: number[] = [];
    let offset = 0;
    const block = this.blockCount;
    this.pendingDocs.forEach((doc, slot) => {
      if (this.blockOf[doc] !== pending || this.offsetOf[doc] !== slot || this.lengthOf[doc] === 0) return;
      parts.push(this.pendingJson[slot]!);
      docs.push(doc);
    });
    this.pendingJson = [];
    this.pendingDocs = [];
    this.pendingBytes = 0;
    if (docs.length === 0) return;
    const bytes = Buffer.concat(parts);
    this.dictionary ??= Buffer.from(bytes.subarray(Math.max(0, bytes.length - dictionaryBytes)));
    const compressed = deflateRawSync(bytes, { level: 1, dictionary: this.dictionary });
    docs.forEach((doc, i) => {
      this.blockOf[doc] = block;
      this.offsetOf[doc] = offset;
      offset += parts[i]!.length;
    });
    this.storeBlock(block, compressed, bytes.length);
    this.storedRecords += docs.length;
  }

  private storeBlock(block: number, compressed: Buffer, inflatedLength: number): void {
    if (this.used + compressed.length > this.chunks.at(-1)!.length) {
      this.chunks.push(Buffer.allocUnsafe(Math.max(chunkBytes, compressed.length)));
      this.used = 0;
    }
    if (block >= this.blockStart.length) {
      const capacity = this.blockStart.length * 2;
      const chunk = new Uint16Array(capacity);
      chunk.set(this.blockChunk);
      const start = new Int32Array(capacity);
      start.set(this.blockStart);
      const length = new Int32Array(capacity);
      length.set(this.blockLength);
      const inflated = new Int32Array(capacity);
      inflated.set(this.blockInflated);
      this.blockChunk = chunk;
      this.blockStart = start;
      this.blockLength = length;
      this.blockInflated = inflated;
    }
    this.blockInflated[block] = inflatedLength;
    compressed.copy(this.chunks.at(-1)!, this.used);
    this.blockChunk[block] = this.chunks.length - 1;
    this.blockStart[block] = this.used;
    this.blockLength[block] = compressed.length;
    this.used += compressed.length;
    this.blockCount = block + 1;
  }

  /** The block's records' JSON, valid until `inflatedCacheSize` other blocks are read. */
  private inflate(block: number): Buffer {
    const size = this.blockInflated[block]!;
    const cached = this.inflated.find((slot) => slot.block === block);
    if (cached) return cached.bytes.subarray(0, size);
    const slot = this.inflated[this.nextInflated]!;
    this.nextInflated = (this.nextInflated + 1) % inflatedCacheSize;
    if (slot.bytes.length < size) slot.bytes = Buffer.allocUnsafe(Math.max(size, blockBytes * 2));
    const start = this.blockStart[block]!;
    const compressed = this.chunks[this.blockChunk[block]!]!.subarray(start, start + this.blockLength[block]!);
    inflateSync(compressed, { out: slot.bytes.subarray(0, size), dictionary: this.dictionary! });
    slot.block = block;
    return slot.bytes.subarray(0, size);
  }

  /** The stored JSON of `doc`, or undefined when it has none. */
  private jsonOf(doc: number): Buffer | undefined {
    if (doc >= this.lengthOf.length || this.lengthOf[doc] === 0) return undefined;
    const block = this.blockOf[doc]!;
    if (block === pending) return this.pendingJson[this.offsetOf[doc]!];
    const offset = this.offsetOf[doc]!;
    return this.inflate(block).subarray(offset, offset + this.lengthOf[doc]!);
  }

  get(doc: number): DatasetRecord | undefined {
    const cached = this.parsed.get(doc);
    if (cached) {
      // Re-insert: Map order is the recency order of the cache.
      this.parsed.delete(doc);
      this.parsed.set(doc, cached);
      return cached;
    }
    const json = this.jsonOf(doc);
    if (!json) return undefined;
    const record = JSON.parse(json.toString('utf8')) as DatasetRecord;
    this.parsed.set(doc, record);
    if (this.parsed.size > parsedCacheSize) this.parsed.delete(this.parsed.keys().next().value!);
    return record;
  }

  remove(doc: number): void {
    if (doc >= this.lengthOf.length || this.lengthOf[doc] === 0) return;
    if (this.blockOf[doc] !== pending) this.deadRecords += 1;
    this.lengthOf[doc] = 0;
    this.parsed.delete(doc);
    if (this.deadRecords >= compactAfterDeadRecords && this.deadRecords * 2 > this.storedRecords) this.compact();
  }

  /** Recompresses every live record into fresh chunks, dropping the garbage. */
  private compact(): void {
    const live: [number, Buffer][] = [];
    for (let doc = 0; doc < this.lengthOf.length; doc += 1) {
      const json = this.jsonOf(doc);
      if (json) live.push([doc, Buffer.from(json)]);
    }
    this.chunks = [Buffer.allocUnsafe(chunkBytes)];
    this.used = 0;
    this.blockCount = 0;
    this.storedRecords = 0;
    this.deadRecords = 0;
    this.pendingJson = [];
    this.pendingDocs = [];
    this.pendingBytes = 0;
    for (const slot of this.inflated) slot.block = -1;
    for (const [doc, json] of live) this.stage(doc, json);
  }
}
