import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readInWorker, type FileInWorker } from './readInWorker.ts';
import { SnapshotDeadlineError } from './structureCodec.ts';

/**
 * An index snapshot on disk:
 *
 *     "WHARFIDX" | u32 header length | header (JSON) | body | sha256 of all before it (32 bytes)
 *
 * The header says the format version, the derivation fingerprint of the
 * code that wrote it (see `derivationFingerprint`), the catalogue it is a
 * copy of (its database schema) and the sequence number the index was at.
 * It is written to a temporary file in the same folder, flushed to disk,
 * then renamed into place (and the folder flushed), so a crash leaves the
 * last complete snapshot or none, never a part of one under a snapshot's
 * name; a file damaged anyway (disk, copy, truncation) fails its checksum.
 */
/** 2: the lineage graph is held as it is, not rebuilt from its datasets' edges. */
export const snapshotFormatVersion = 2;
const magic = Buffer.from('WHARFIDX');
const checksumBytes = 32;
/** Bytes written per call: one call moves at most 2 GB, and smaller writes let the event loop turn. */
const stagingBytes = 16 << 20;
const suffix = '.wharfidx';
const namePattern = /^catalogue-(\d{16})-(\d{13})-[0-9a-f]{8}\.wharfidx$/;

export interface SnapshotHeader {
  format: number;
  fingerprint: string;
  /** The catalogue's database schema: a snapshot of another catalogue is not this one's. */
  catalogue: string;
  /** The last sequence number applied to the index snapshotted. */
  seq: number;
  /** Datasets held. */
  datasets: number;
  createdAt: string;
  bodyBytes: number;
}

/** A snapshot file found in the folder, by its name (newest first from `listSnapshots`). */
export interface SnapshotEntry {
  path: string;
  seq: number;
  createdMs: number;
}

/** Why a snapshot was not loaded: made by other code or for another catalogue (`foreign`), or damaged (`corrupt`). */
export class SnapshotRejectedError extends Error {
  constructor(
    readonly kind: 'foreign' | 'corrupt',
    message: string,
  ) {
    super(message);
  }
}

/** Snapshot files in `folder`, newest (highest sequence, then latest written) first; none when the folder does not exist. */
export async function listSnapshots(folder: string): Promise<SnapshotEntry[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: SnapshotEntry[] = [];
  for (const name of names) {
    const match = namePattern.exec(name);
    if (match) entries.push({ path: join(folder, name), seq: Number(match[1]), createdMs: Number(match[2]) });
  }
  return entries.sort((a, b) => b.seq - a.seq || b.createdMs - a.createdMs);
}

/**
 * Writes a snapshot of `body` (parts, written in order) atomically into
 * `folder`; returns its path and size. The parts are read while this runs:
 * the caller keeps them unchanged until it resolves. Past `deadline` (a
 * `performance.now()` time) it stops with `SnapshotDeadlineError`, the
 * temporary file removed.
 */
export async function writeSnapshotFile(folder: string, header: Omit<SnapshotHeader, 'format' | 'bodyBytes' | 'createdAt'>, body: readonly Buffer[], deadline = Infinity): Promise<{ path: string; bytes: number }> {
  await mkdir(folder, { recursive: true });
  const createdAt = new Date();
  const bodyBytes = body.reduce((sum, part) => sum + part.length, 0);
  const full: SnapshotHeader = { format: snapshotFormatVersion, ...header, createdAt: createdAt.toISOString(), bodyBytes };
  const headerJson = Buffer.from(JSON.stringify(full));
  const lead = Buffer.alloc(magic.length + 4);
  magic.copy(lead);
  lead.writeUInt32LE(headerJson.length, magic.length);
  const name = `catalogue-${String(header.seq).padStart(16, '0')}-${String(createdAt.getTime()).padStart(13, '0')}-${randomBytes(4).toString('hex')}${suffix}`;
  const temporary = join(folder, `.${name}.${process.pid}.tmp`);
  const hash = createHash('sha256');
  const file = await open(temporary, 'wx', 0o600);
  try {
    for (const part of [lead, headerJson, ...body]) {
      for (let at = 0; at < part.length; at += stagingBytes) {
        if (performance.now() > deadline) throw new SnapshotDeadlineError('writing the snapshot took longer than allowed');
        const slice = part.subarray(at, Math.min(part.length, at + stagingBytes));
        hash.update(slice);
        await file.write(slice);
      }
    }
    await file.write(hash.digest());
    await file.sync();
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  const path = join(folder, name);
  await rename(temporary, path);
  // The rename itself is durable only once the folder is.
  const directory = await open(folder, 'r');
  await directory.sync().catch(() => undefined);
  await directory.close();
  return { path, bytes: lead.length + headerJson.length + bodyBytes + checksumBytes };
}

/** Reads only the header of a snapshot file (to skip one made by other code without reading it whole). */
export async function readSnapshotHeader(path: string): Promise<SnapshotHeader> {
  const file = await open(path, 'r');
  try {
    const lead = Buffer.alloc(magic.length + 4);
    const { bytesRead } = await file.read(lead, 0, lead.length, 0);
    const length = leadLength(lead.subarray(0, bytesRead));
    const json = Buffer.alloc(length);
    const read = await file.read(json, 0, length, lead.length);
    return parseHeader(json.subarray(0, read.bytesRead), length);
  } finally {
    await file.close();
  }
}

/** The header's length, from the bytes before it. */
function leadLength(lead: Buffer): number {
  if (lead.length < magic.length + 4 || !lead.subarray(0, magic.length).equals(magic)) throw new SnapshotRejectedError('corrupt', 'it does not start as a Wharf index snapshot');
  const length = lead.readUInt32LE(magic.length);
  if (length > 1 << 20) throw new SnapshotRejectedError('corrupt', 'its header length is implausible');
  return length;
}

function parseHeader(json: Buffer, length: number): SnapshotHeader {
  if (json.length < length) throw new SnapshotRejectedError('corrupt', 'it ends inside its header');
  let header: SnapshotHeader;
  try {
    header = JSON.parse(json.toString('utf8')) as SnapshotHeader;
  } catch {
    throw new SnapshotRejectedError('corrupt', 'its header is not JSON');
  }
  if (typeof header !== 'object' || header === null || !Number.isSafeInteger(header.seq) || !Number.isSafeInteger(header.bodyBytes)) throw new SnapshotRejectedError('corrupt', 'its header lacks its sequence number or size');
  return header;
}

/** A file being read ahead (`prefetchNewestSnapshot`), taken by the first `readSnapshotFile` of it. */
let prefetched: { path: string; file: FileInWorker } | undefined;

/**
 * Starts reading the newest snapshot in `folder` (and checking its
 * checksum) on another thread, so that by the time the replica asks for it
 * — after the process has loaded the rest of its code, a second or two —
 * it is in memory. Does nothing when there is none; never throws.
 */
export async function prefetchNewestSnapshot(folder: string): Promise<void> {
  const [newest] = await listSnapshots(folder).catch(() => []);
  if (newest) prefetched = { path: newest.path, file: readInWorker(newest.path, checksumBytes) };
}

/** A snapshot read: its header, its body, and whether its checksum holds (decided while the body is decoded). */
export interface SnapshotRead {
  header: SnapshotHeader;
  body: Buffer;
  /** Rejects with `SnapshotRejectedError` 'corrupt' when the checksum does not match: nothing decoded from `body` may be used before this resolves. */
  verified: Promise<void>;
}

/**
 * Reads and checks a snapshot file: its header must match `expected` (else
 * `SnapshotRejectedError` 'foreign'), its length the header's (else
 * 'corrupt'), and its checksum its bytes (`verified`, checked on another
 * thread while the caller decodes the body).
 */
export async function readSnapshotFile(path: string, expected: { fingerprint: string; catalogue: string }): Promise<SnapshotRead> {
  const file = prefetched?.path === path ? prefetched.file : readInWorker(path, checksumBytes);
  prefetched = undefined;
  let bytes: Buffer;
  try {
    bytes = await file.bytes;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESHORT') throw new SnapshotRejectedError('corrupt', (error as Error).message);
    throw error;
  }
  const bodyStart = magic.length + 4 + leadLength(bytes.subarray(0, magic.length + 4));
  const header = parseHeader(bytes.subarray(magic.length + 4, bodyStart), bodyStart - magic.length - 4);
  if (header.format !== snapshotFormatVersion) throw new SnapshotRejectedError('foreign', `it is in format ${header.format}; this code reads format ${snapshotFormatVersion}`);
  if (header.fingerprint !== expected.fingerprint) throw new SnapshotRejectedError('foreign', 'it was made by code that indexes differently (another derivation fingerprint)');
  if (header.catalogue !== expected.catalogue) throw new SnapshotRejectedError('foreign', `it is a snapshot of catalogue "${header.catalogue}", not "${expected.catalogue}"`);
  const size = bytes.length;
  if (size !== bodyStart + header.bodyBytes + checksumBytes) throw new SnapshotRejectedError('corrupt', `it is ${size} bytes long; its header says ${bodyStart + header.bodyBytes + checksumBytes} (truncated?)`);
  const verified = file.checksumHolds.then((holds) => {
    if (!holds) throw new SnapshotRejectedError('corrupt', 'its checksum does not match its contents');
  });
  verified.catch(() => undefined);
  return { header, body: bytes.subarray(bodyStart, size - checksumBytes), verified };
}

/** Deletes all but the `keep` newest snapshots, and temporary files this process did not leave in the middle of a write (older than an hour). */
export async function pruneSnapshots(folder: string, keep: number): Promise<number> {
  const entries = await listSnapshots(folder);
  let removed = 0;
  for (const entry of entries.slice(keep)) {
    await rm(entry.path, { force: true });
    removed += 1;
  }
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    if (!name.startsWith('.catalogue-') || !name.endsWith('.tmp')) continue;
    const path = join(folder, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 3_600_000) await rm(path, { force: true });
  }
  return removed;
}
