/**
 * A binary encoding of the catalogue index's in-memory structures, as they
 * are: typed arrays as their bytes, strings, numbers, arrays, Maps, Sets,
 * Buffers, plain objects, and instances of the classes a `ClassRegistry`
 * names, field by field. Loading a snapshot is then copying bytes and
 * making objects, not analysing a million records again.
 *
 * Instances are encoded by their own fields, whatever they are, so a field
 * added to an index class is carried without a change here; an instance of
 * a class the registry does not name, a function or a WeakMap is refused
 * (`SnapshotEncodeError`), so the snapshot fails to be written rather than
 * being written without it. Per class, fields can be declared transient
 * (caches and scratch: not written, made afresh) or trimmed (a growable
 * array written up to its used length).
 */

/** How a registered class's fields are written. */
export interface ClassCodec {
  readonly type: abstract new (...args: never[]) => object;
  /** Fields not written: on decoding, the value a fresh instance has (`fresh`: `new type()`, once per decode), or a zero-filled typed array as long as the one encoded (`zeroed`: scratch sized to the index). */
  readonly transient?: Readonly<Record<string, 'fresh' | 'zeroed'>>;
  /** Typed-array fields written only up to the number in another field (a growable list's used length). */
  readonly trim?: Readonly<Record<string, string>>;
}

export type ClassRegistry = readonly ClassCodec[];

export class SnapshotEncodeError extends Error {}
export class SnapshotDecodeError extends Error {}
/** A snapshot abandoned because it would have taken longer than allowed (at shutdown). */
export class SnapshotDeadlineError extends Error {}

const enum Tag {
  Undefined = 0,
  Null,
  False,
  True,
  Int,
  Float,
  String,
  Array,
  Object,
  Instance,
  Map,
  Set,
  TypedArray,
  Buffer,
  ZeroedTypedArray,
  StringArray,
  Shape,
  /** An object written before: shared references stay shared (an access group is in a map and in every document's slot). */
  Ref,
  /** An array of 32-bit integers (document numbers, term ids), as one run of bytes. */
  IntArray,
  /** An array of other numbers, as one run of doubles. */
  NumberArray,
  /** A string written before (an id is in the id list, the id map, its region's set and the lineage graph): written once, shared again when read. */
  StringRef,
}

const typedArrayTypes = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array] as const;
type AnyTypedArray = InstanceType<(typeof typedArrayTypes)[number]>;
const typedArrayKind = new Map<unknown, number>(typedArrayTypes.map((type, kind) => [type, kind]));
/** Typed arrays at least this large are copied into a part of their own rather than into a block. */
const ownPartBytes = 64 * 1024;

/**
 * Growable output: small values go into pooled blocks, large typed arrays
 * are copied into parts of their own (a copy, so the structure may change
 * while the parts are written). `parts()` is the encoding in order.
 */
class Output {
  private readonly done: Buffer[] = [];
  private block = Buffer.allocUnsafe(1 << 20);
  /** Where the part of `block` not yet in `done` starts. */
  private start = 0;
  private at = 0;
  bytes = 0;

  private room(size: number): void {
    if (this.at + size <= this.block.length) return;
    this.flush();
    this.block = Buffer.allocUnsafe(Math.max(1 << 20, size));
    this.start = this.at = 0;
  }

  private flush(): void {
    if (this.at > this.start) this.done.push(this.block.subarray(this.start, this.at));
    this.start = this.at;
  }

  byte(value: number): void {
    this.room(1);
    this.block[this.at++] = value;
    this.bytes += 1;
  }

  u32(value: number): void {
    this.room(4);
    this.block.writeUInt32LE(value, this.at);
    this.at += 4;
    this.bytes += 4;
  }

  i32(value: number): void {
    this.room(4);
    this.block.writeInt32LE(value, this.at);
    this.at += 4;
    this.bytes += 4;
  }

  f64(value: number): void {
    this.room(8);
    this.block.writeDoubleLE(value, this.at);
    this.at += 8;
    this.bytes += 8;
  }

  string(value: string): void {
    const most = value.length * 3;
    this.room(4 + most);
    const length = this.block.write(value, this.at + 4, most, 'utf8');
    this.block.writeUInt32LE(length, this.at);
    this.at += 4 + length;
    this.bytes += 4 + length;
  }

  raw(bytes: Uint8Array): void {
    if (bytes.length >= ownPartBytes) {
      // The block goes on being filled after it: a large array costs no new block.
      this.flush();
      this.done.push(Buffer.from(bytes));
    } else {
      this.room(bytes.length);
      this.block.set(bytes, this.at);
      this.at += bytes.length;
    }
    this.bytes += bytes.length;
  }

  parts(): Buffer[] {
    this.flush();
    return this.done;
  }
}

const asBytes = (array: AnyTypedArray, length = array.length) => new Uint8Array(array.buffer, array.byteOffset, length * array.BYTES_PER_ELEMENT);

/** Encodes `value` into parts to be written in order (a copy of it). */
export function encodeStructure(value: unknown, registry: ClassRegistry): Buffer[] {
  const encoding = encodeInSlices(value, registry);
  while (!encoding.steps.next().done);
  return encoding.parts();
}

/**
 * `encodeStructure` in time slices: the returned promise resolves with the
 * parts once written, and the event loop turns every `sliceMs` meanwhile
 * (searches go on while a large index is encoded). Nothing may change
 * `value` until it resolves. Past `deadline` (a `performance.now()` time)
 * it stops with `SnapshotDeadlineError`.
 */
export async function encodeStructureSliced(value: unknown, registry: ClassRegistry, sliceMs = 20, deadline = Infinity): Promise<Buffer[]> {
  const encoding = encodeInSlices(value, registry);
  let sliceEnd = performance.now() + sliceMs;
  while (!encoding.steps.next().done) {
    if (performance.now() < sliceEnd) continue;
    if (performance.now() > deadline) throw new SnapshotDeadlineError('encoding the index took longer than allowed');
    await new Promise((resolve) => setImmediate(resolve));
    sliceEnd = performance.now() + sliceMs;
  }
  return encoding.parts();
}

/** Containers with more entries than this are written a slice at a time. */
const sliceEntries = 1024;

/** The encoding as steps (each a bounded amount of work), then its parts. */
function encodeInSlices(root: unknown, registry: ClassRegistry): { steps: Generator<void>; parts: () => Buffer[] } {
  const out = new Output();
  const classNumber = new Map<unknown, number>(registry.map((codec, number) => [codec.type, number]));
  /** Shapes (class and field names) already written, by key, with their numbers. */
  const shapes = new Map<string, number>();
  /** Objects written so far, numbered in the order written (the decoder numbers them in the same order). */
  const seen = new Map<object, number>();
  /** Strings likewise. */
  const strings = new Map<string, number>();
  /** Whether `value` was written before (then written as a reference); else numbers it. */
  function reference(value: object): boolean {
    const number = seen.get(value);
    if (number === undefined) {
      seen.set(value, seen.size);
      return false;
    }
    out.byte(Tag.Ref);
    out.u32(number);
    return true;
  }

  function shapeOf(number: number, keys: string[]): number {
    const key = `${number}:${keys.join('\0')}`;
    let shape = shapes.get(key);
    if (shape !== undefined) return shape;
    shape = shapes.size;
    shapes.set(key, shape);
    out.byte(Tag.Shape);
    out.i32(number);
    out.u32(keys.length);
    for (const field of keys) out.string(field);
    return shape;
  }

  function typedArray(array: AnyTypedArray, length = array.length): void {
    out.byte(Tag.TypedArray);
    out.byte(typedArrayKind.get(array.constructor)!);
    out.u32(length);
    out.raw(asBytes(array, length));
  }

  function write(value: unknown, path: string): void {
    switch (typeof value) {
      case 'undefined':
        return out.byte(Tag.Undefined);
      case 'boolean':
        return out.byte(value ? Tag.True : Tag.False);
      case 'number':
        if (Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff && !Object.is(value, -0)) {
          out.byte(Tag.Int);
          return out.i32(value);
        }
        out.byte(Tag.Float);
        return out.f64(value);
      case 'string': {
        const known = strings.get(value);
        if (known !== undefined) {
          out.byte(Tag.StringRef);
          return out.u32(known);
        }
        strings.set(value, strings.size);
        out.byte(Tag.String);
        return out.string(value);
      }
      case 'object':
        break;
      default:
        throw new SnapshotEncodeError(`${path} is a ${typeof value}; a snapshot holds data only.`);
    }
    if (value === null) return out.byte(Tag.Null);
    if (reference(value)) return;
    if (Buffer.isBuffer(value)) {
      out.byte(Tag.Buffer);
      out.u32(value.length);
      return out.raw(value);
    }
    if (ArrayBuffer.isView(value)) {
      if (!typedArrayKind.has(value.constructor)) throw new SnapshotEncodeError(`${path} is a ${value.constructor.name}, which a snapshot does not hold.`);
      return typedArray(value as AnyTypedArray);
    }
    if (Array.isArray(value)) return array(value, path);
    if (value instanceof Map) {
      out.byte(Tag.Map);
      // Keys apart from values, so a map keyed by strings has its keys in one string run.
      array([...value.keys()], `${path}.keys`);
      array([...value.values()], `${path}.values`);
      return;
    }
    if (value instanceof Set) {
      out.byte(Tag.Set);
      return array([...value], `${path}.values`);
    }
    const prototype = Object.getPrototypeOf(value) as object | null;
    if (prototype === Object.prototype || prototype === null) {
      const keys = Object.keys(value);
      // A new shape is written before the value that first uses it.
      const shape = shapeOf(-1, keys);
      out.byte(Tag.Object);
      out.u32(shape);
      for (const key of keys) write((value as Record<string, unknown>)[key], `${path}.${key}`);
      return;
    }
    const number = classNumber.get(prototype.constructor);
    if (number === undefined) throw new SnapshotEncodeError(`${path} is a ${prototype.constructor?.name ?? 'object'}, a class the snapshot format does not know: add it to the registry (and bump the format).`);
    const codec = registry[number]!;
    const keys = Object.keys(value);
    const shape = shapeOf(number, keys);
    out.byte(Tag.Instance);
    out.u32(shape);
    for (const key of keys) if (!special(codec, value as Record<string, unknown>, key, path)) write((value as Record<string, unknown>)[key], `${path}.${key}`);
  }

  /** Writes a field its class declares transient or trimmed, and says so; false for any other field. */
  function special(codec: ClassCodec, value: Record<string, unknown>, key: string, path: string): boolean {
    const field = value[key];
    const transient = codec.transient?.[key];
    if (transient === 'fresh') out.byte(Tag.Undefined);
    else if (transient === 'zeroed') {
      if (!ArrayBuffer.isView(field)) throw new SnapshotEncodeError(`${path}.${key} is declared zeroed scratch but is not a typed array.`);
      out.byte(Tag.ZeroedTypedArray);
      out.byte(typedArrayKind.get(field.constructor)!);
      out.u32((field as AnyTypedArray).length);
    } else if (codec.trim?.[key] !== undefined && ArrayBuffer.isView(field)) {
      if (!reference(field)) typedArray(field as AnyTypedArray, value[codec.trim[key]!] as number);
    } else return false;
    return true;
  }

  /** Writes `values` as one run (all strings, all 32-bit integers, or all numbers) when they are one; false when not. */
  function runOf(values: unknown[]): boolean {
    // Arrays of strings (ids, terms; holes allowed) as one run of UTF-8: decoded with one call, then cut.
    let allStrings = values.length > 0;
    for (let i = 0; i < values.length && allStrings; i += 1) allStrings = typeof values[i] === 'string' || values[i] === undefined;
    if (!allStrings && values.length > 0 && typeof values[0] === 'number') {
      let ints = true;
      let numbers = true;
      for (let i = 0; i < values.length && numbers; i += 1) {
        const each = values[i];
        if (typeof each !== 'number') numbers = false;
        else if (ints && (!Number.isInteger(each) || each < -0x80000000 || each > 0x7fffffff || Object.is(each, -0))) ints = false;
      }
      if (numbers) {
        const run = ints ? Int32Array.from(values as number[]) : Float64Array.from(values as number[]);
        out.byte(ints ? Tag.IntArray : Tag.NumberArray);
        out.u32(values.length);
        out.raw(asBytes(run));
        return true;
      }
    }
    if (allStrings) {
      out.byte(Tag.StringArray);
      out.u32(values.length);
      let text = '';
      const lengths = new Int32Array(values.length);
      // Per entry: its length when new (its text follows in the run), -1 for none, or -2 - n for the n-th string written before.
      for (let i = 0; i < values.length; i += 1) {
        const each = values[i] as string | undefined;
        if (each === undefined) {
          lengths[i] = -1;
          continue;
        }
        const known = strings.get(each);
        if (known !== undefined) {
          lengths[i] = -2 - known;
          continue;
        }
        strings.set(each, strings.size);
        lengths[i] = each.length;
        text += each;
      }
      out.raw(asBytes(lengths));
      const bytes = Buffer.from(text, 'utf8');
      out.u32(bytes.length);
      out.u32(text.length);
      out.raw(bytes);
      return true;
    }
    return false;
  }

  function array(values: unknown[], path: string): void {
    if (runOf(values)) return;
    out.byte(Tag.Array);
    out.u32(values.length);
    for (let i = 0; i < values.length; i += 1) write(values[i], path);
  }

  /** Whether `value` is worth descending into a slice at a time: the top levels of the structure, and long lists. */
  function large(value: unknown, depth: number): value is object {
    if (value === null || typeof value !== 'object' || seen.has(value) || ArrayBuffer.isView(value)) return false;
    if (Array.isArray(value)) return value.length > sliceEntries;
    if (value instanceof Map || value instanceof Set) return value.size > sliceEntries;
    return depth < 3;
  }

  /** `write`, yielding between slices: the containers `large` picks are walked here, the rest written at once. */
  function* sliced(value: object, path: string, depth: number): Generator<void> {
    if (Array.isArray(value)) {
      reference(value);
      return yield* entries(value, path, depth);
    }
    if (value instanceof Map) {
      reference(value);
      out.byte(Tag.Map);
      yield* entries([...value.keys()], `${path}.keys`, depth);
      return yield* entries([...value.values()], `${path}.values`, depth);
    }
    if (value instanceof Set) {
      reference(value);
      out.byte(Tag.Set);
      return yield* entries([...value], `${path}.values`, depth);
    }
    const prototype = Object.getPrototypeOf(value) as object | null;
    const plain = prototype === Object.prototype || prototype === null;
    const number = plain ? -1 : classNumber.get(prototype.constructor);
    if (number === undefined) {
      // Refused there, with the reason.
      write(value, path);
      return;
    }
    const codec = number >= 0 ? registry[number]! : undefined;
    reference(value);
    const keys = Object.keys(value);
    const shape = shapeOf(number, keys);
    out.byte(plain ? Tag.Object : Tag.Instance);
    out.u32(shape);
    for (const key of keys) {
      const field = (value as Record<string, unknown>)[key];
      if (codec && special(codec, value as Record<string, unknown>, key, path)) continue;
      if (large(field, depth + 1)) yield* sliced(field, `${path}.${key}`, depth + 1);
      else write(field, `${path}.${key}`);
      yield;
    }
  }

  function* entries(values: unknown[], path: string, depth: number): Generator<void> {
    if (runOf(values)) return;
    out.byte(Tag.Array);
    out.u32(values.length);
    for (let i = 0; i < values.length; i += 1) {
      const each = values[i];
      if (large(each, depth + 1)) yield* sliced(each, path, depth + 1);
      else write(each, path);
      if (i % sliceEntries === sliceEntries - 1) yield;
    }
  }

  function* steps(): Generator<void> {
    if (large(root, 0)) yield* sliced(root, '$', 0);
    else write(root, '$');
  }

  return { steps: steps(), parts: () => out.parts() };
}

/**
 * Decodes what `encodeStructure` wrote with the same registry. Damaged
 * bytes fail with `SnapshotDecodeError` and never make it allocate more
 * than their own size (it may run before their checksum is known).
 */
export function decodeStructure(bytes: Buffer, registry: ClassRegistry): unknown {
  let at = 0;
  const shapes: { number: number; keys: string[] }[] = [];
  /** Objects read so far, in the order written: what a `Ref` names. */
  const objects: unknown[] = [];
  /** Strings read so far, in the order written: what a `StringRef` names. */
  const texts: string[] = [];
  const made = <T>(value: T): T => {
    objects.push(value);
    return value;
  };
  const fresh = new Map<number, Record<string, unknown>>();

  const need = (size: number) => {
    if (at + size > bytes.length) throw new SnapshotDecodeError('The snapshot ends in the middle of a value.');
  };
  const u32 = () => {
    need(4);
    const value = bytes.readUInt32LE(at);
    at += 4;
    return value;
  };
  const i32 = () => {
    need(4);
    const value = bytes.readInt32LE(at);
    at += 4;
    return value;
  };
  const string = () => {
    const length = u32();
    need(length);
    const value = bytes.toString('utf8', at, at + length);
    at += length;
    return value;
  };
  const typedArrayType = () => {
    const type = typedArrayTypes[bytes[at++]!];
    if (!type) throw new SnapshotDecodeError('The snapshot names an unknown typed array.');
    return type;
  };

  function freshOf(number: number): Record<string, unknown> {
    let instance = fresh.get(number);
    if (!instance) {
      const type = registry[number]!.type as unknown as new () => Record<string, unknown>;
      fresh.set(number, (instance = new type()));
    }
    return instance;
  }

  function read(): unknown {
    need(1);
    const tag = bytes[at++] as Tag;
    switch (tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int:
        return i32();
      case Tag.Float: {
        need(8);
        const value = bytes.readDoubleLE(at);
        at += 8;
        return value;
      }
      case Tag.String: {
        const value = string();
        texts.push(value);
        return value;
      }
      case Tag.StringRef: {
        const value = texts[u32()];
        if (value === undefined) throw new SnapshotDecodeError('The snapshot refers to a string it has not written.');
        return value;
      }
      case Tag.Buffer: {
        const length = u32();
        need(length);
        const value = made(Buffer.allocUnsafe(length));
        bytes.copy(value, 0, at, at + length);
        at += length;
        return value;
      }
      case Tag.TypedArray: {
        need(5);
        const type = typedArrayType();
        const length = u32();
        const size = length * type.BYTES_PER_ELEMENT;
        need(size);
        const value = made(new type(length));
        new Uint8Array(value.buffer).set(bytes.subarray(at, at + size));
        at += size;
        return value;
      }
      case Tag.ZeroedTypedArray: {
        need(5);
        const type = typedArrayType();
        const length = u32();
        // Scratch is sized to the index, which the snapshot holds in more bytes than that: a larger length is damage, not an allocation to attempt.
        if (length > bytes.length) throw new SnapshotDecodeError('The snapshot names scratch larger than itself.');
        return new type(length);
      }
      case Tag.StringArray:
      case Tag.Array:
      case Tag.IntArray:
      case Tag.NumberArray:
        return list(tag, true);
      case Tag.Map: {
        const map = made(new Map());
        const keys = list(listTag(), false);
        const values = list(listTag(), false);
        for (let i = 0; i < keys.length; i += 1) map.set(keys[i], values[i]);
        return map;
      }
      case Tag.Set: {
        const set = made(new Set());
        for (const value of list(listTag(), false)) set.add(value);
        return set;
      }
      case Tag.Ref: {
        const number = u32();
        if (number >= objects.length) throw new SnapshotDecodeError('The snapshot refers to an object it has not written.');
        return objects[number];
      }
      case Tag.Shape: {
        const number = i32();
        const count = u32();
        need(count * 4);
        const keys: string[] = [];
        for (let i = 0; i < count; i += 1) keys.push(string());
        if (number >= registry.length) throw new SnapshotDecodeError('The snapshot names a class this code does not know.');
        shapes.push({ number, keys });
        return read();
      }
      case Tag.Object:
      case Tag.Instance: {
        const shape = shapes[u32()];
        if (!shape) throw new SnapshotDecodeError('The snapshot refers to a shape it has not defined.');
        const codec = shape.number < 0 ? undefined : registry[shape.number]!;
        const target: Record<string, unknown> = made(codec ? (Object.create(codec.type.prototype) as Record<string, unknown>) : {});
        for (const key of shape.keys) {
          const value = read();
          const field = codec?.transient?.[key] === 'fresh' ? freshOf(shape.number)[key] : value;
          // A record's own "__proto__" key (JSON allows it) stays a key, not the object's prototype.
          if (key === '__proto__') Object.defineProperty(target, key, { value: field, enumerable: true, writable: true, configurable: true });
          else target[key] = field;
        }
        // A fresh field the writer's class did not have yet is made as one written would be.
        for (const [key, kind] of Object.entries(codec?.transient ?? {})) if (kind === 'fresh' && !(key in target)) target[key] = freshOf(shape.number)[key];
        return target;
      }
      default:
        throw new SnapshotDecodeError(`The snapshot holds an unknown value tag ${tag as number}.`);
    }
  }

  function listTag(): Tag {
    need(1);
    const tag = bytes[at++] as Tag;
    if (tag !== Tag.Array && tag !== Tag.StringArray && tag !== Tag.IntArray && tag !== Tag.NumberArray) throw new SnapshotDecodeError('The snapshot holds a map or set without its entries.');
    return tag;
  }

  /** An array's entries after its tag; `own`: it is a value of its own (numbered), not a map's or set's entries. */
  function list(tag: Tag, own: boolean): unknown[] {
    const count = u32();
    // Every entry takes a byte at least: a count beyond the bytes left is damage (the body is decoded before its checksum is known).
    need(count);
    const values: unknown[] = new Array(count);
    if (own) made(values);
    if (tag === Tag.Array) {
      for (let i = 0; i < count; i += 1) values[i] = read();
      return values;
    }
    if (tag === Tag.IntArray || tag === Tag.NumberArray) {
      const size = count * (tag === Tag.IntArray ? 4 : 8);
      need(size);
      const run = tag === Tag.IntArray ? new Int32Array(count) : new Float64Array(count);
      new Uint8Array(run.buffer).set(bytes.subarray(at, at + size));
      at += size;
      for (let i = 0; i < count; i += 1) values[i] = run[i];
      return values;
    }
    need(count * 4);
    const lengths = new Int32Array(count);
    new Uint8Array(lengths.buffer).set(bytes.subarray(at, at + count * 4));
    at += count * 4;
    const byteLength = u32();
    const charLength = u32();
    need(byteLength);
    const text = bytes.toString('utf8', at, at + byteLength);
    at += byteLength;
    if (text.length !== charLength) throw new SnapshotDecodeError('A run of strings in the snapshot does not decode to its recorded length.');
    let offset = 0;
    for (let i = 0; i < count; i += 1) {
      const length = lengths[i]!;
      if (length === -1) continue;
      if (length < -1) {
        const known = texts[-2 - length];
        if (known === undefined) throw new SnapshotDecodeError('The snapshot refers to a string it has not written.');
        values[i] = known;
        continue;
      }
      if (offset + length > text.length) throw new SnapshotDecodeError('A run of strings in the snapshot is shorter than its lengths.');
      const value = text.slice(offset, offset + length);
      texts.push(value);
      values[i] = value;
      offset += length;
    }
    return values;
  }

  const value = read();
  if (at !== bytes.length) throw new SnapshotDecodeError('The snapshot has bytes after its last value.');
  return value;
}
