import { rm } from 'node:fs/promises';
import type { CatalogueIndex, CatalogueIndexState } from '../createCatalogueIndex.ts';
import { derivationFingerprint } from './derivationFingerprint.ts';
import { decodeIndex, encodeIndex } from './indexState.ts';
import { listSnapshots, pruneSnapshots, readSnapshotFile, SnapshotRejectedError, writeSnapshotFile } from './snapshotFile.ts';
import { SnapshotDecodeError } from './structureCodec.ts';

export interface IndexSnapshotOptions {
  /** The folder snapshots are kept in (`WHARF_CATALOGUE_SNAPSHOT_DIR`); made if missing. */
  folder: string;
  /** How often a replica writes one, when its index has changed since the last, in milliseconds (`WHARF_CATALOGUE_SNAPSHOT_INTERVAL_MS`). @default 600000 */
  intervalMs?: number;
  /** Snapshots kept; older ones are deleted after each write (`WHARF_CATALOGUE_SNAPSHOT_KEEP`). @default 2 */
  keep?: number;
  /** Longest a snapshot written at shutdown may take (encoded and written), in milliseconds; past it, it is abandoned and the process stops (`WHARF_CATALOGUE_SNAPSHOT_SHUTDOWN_MS`). 0: none at shutdown. @default 30000 */
  shutdownBudgetMs?: number;
}

/** A snapshot loaded: the index state and where it stands, with what loading cost. */
export interface LoadedSnapshot {
  state: CatalogueIndexState;
  seq: number;
  datasets: number;
  path: string;
  bytes: number;
  /** Reading the file (on another thread, begun at `prefetchNewestSnapshot` when that was called), in milliseconds. */
  readMs: number;
  /** Decoding it into index structures, in milliseconds. */
  decodeMs: number;
  /** Waiting, after decoding, for its checksum (computed on another thread meanwhile), in milliseconds. */
  verifyWaitMs: number;
}

export interface WrittenSnapshot {
  path: string;
  seq: number;
  bytes: number;
  /** Encoding the index (in slices of 20 ms, between which searches run), in milliseconds. */
  encodeMs: number;
  /** Writing and flushing the file, in milliseconds. */
  writeMs: number;
}

/** An index encoded (a copy: the index may change again), to be written. */
export interface CapturedSnapshot {
  seq: number;
  encodeMs: number;
  /** Writes it and prunes old snapshots; past `deadline` (a `performance.now()` time) it stops with `SnapshotDeadlineError` and leaves nothing behind. */
  write(deadline?: number): Promise<WrittenSnapshot>;
}

export interface IndexSnapshots {
  readonly intervalMs: number;
  readonly shutdownBudgetMs: number;
  /**
   * The newest snapshot in the folder, decoded, or undefined when there is
   * none usable: one made by other code or of another catalogue is left
   * alone; a damaged one (truncated, checksum wrong, undecodable) is
   * deleted. Either is told to `log` in one line, and the caller rebuilds
   * from the database. Older snapshots are not tried: the newest is the
   * one the folder vouches for, and a rebuild is always right.
   */
  loadNewest(log: (entry: { level: 'info' | 'warn'; msg: string; [key: string]: unknown }) => void): Promise<LoadedSnapshot | undefined>;
  /**
   * Encodes `index` at `seq` into a copy, in time slices (searches go on
   * meanwhile). The index must not change until this resolves; it may as
   * soon as it has, while the copy is written. Past `deadline` (a
   * `performance.now()` time) it stops with `SnapshotDeadlineError`.
   */
  capture(index: CatalogueIndex, seq: number, deadline?: number): Promise<CapturedSnapshot>;
  /** `capture`, then its `write`. */
  write(index: CatalogueIndex, seq: number): Promise<WrittenSnapshot>;
}

/** Snapshots of one catalogue's index (named by its database schema) in a folder. */
export function createIndexSnapshots(options: IndexSnapshotOptions & { catalogue: string }): IndexSnapshots {
  const { folder, catalogue, intervalMs = 600_000, keep = 2, shutdownBudgetMs = 30_000 } = options;
  async function capture(index: CatalogueIndex, seq: number, deadline = Infinity): Promise<CapturedSnapshot> {
    const started = performance.now();
    const body = await encodeIndex(index, deadline);
    const datasets = index.size();
    const encodeMs = performance.now() - started;
    return {
      seq,
      encodeMs,
      async write(writeDeadline = Infinity) {
        const writing = performance.now();
        const written = await writeSnapshotFile(folder, { fingerprint: derivationFingerprint(), catalogue, seq, datasets }, body, writeDeadline);
        const writeMs = performance.now() - writing;
        await pruneSnapshots(folder, keep);
        return { ...written, seq, encodeMs, writeMs };
      },
    };
  }
  return {
    intervalMs,
    shutdownBudgetMs,
    async loadNewest(log) {
      const [newest] = await listSnapshots(folder);
      if (!newest) return undefined;
      const expected = { fingerprint: derivationFingerprint(), catalogue };
      let started = performance.now();
      try {
        const { header, body, verified } = await readSnapshotFile(newest.path, expected);
        const readMs = performance.now() - started;
        started = performance.now();
        // Decoded while the checksum is computed on another thread; a body that does not decode is reported by its checksum when that is wrong.
        let state: CatalogueIndexState;
        try {
          state = decodeIndex(body);
        } catch (error) {
          await verified;
          throw error;
        }
        const decodeMs = performance.now() - started;
        await verified;
        if (state.search.size !== header.datasets) throw new SnapshotDecodeError(`it decodes to ${state.search.size} datasets; its header says ${header.datasets}`);
        return { state, seq: header.seq, datasets: header.datasets, path: newest.path, bytes: body.length, readMs, decodeMs, verifyWaitMs: performance.now() - started - decodeMs };
      } catch (error) {
        if (error instanceof SnapshotRejectedError && error.kind === 'foreign') {
          log({ level: 'info', msg: `index snapshot not used: ${error.message}; rebuilding the index from PostgreSQL`, path: newest.path });
          return undefined;
        }
        if (!(error instanceof SnapshotRejectedError) && !(error instanceof SnapshotDecodeError)) throw error;
        log({ level: 'warn', msg: `index snapshot is damaged: ${error.message}; deleted, rebuilding the index from PostgreSQL`, path: newest.path });
        await rm(newest.path, { force: true });
        return undefined;
      }
    },
    capture,
    async write(index, seq) {
      return (await capture(index, seq)).write();
    },
  };
}
