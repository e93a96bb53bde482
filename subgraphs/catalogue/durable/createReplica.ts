import { compileRegionPolicies, InvalidPoliciesError } from '../../shared/access/loadRegionPolicies.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import type { CatalogueIndex } from '../createCatalogueIndex.ts';
import type { Discovery } from '../createDiscovery.ts';
import type { Harvester } from '../createHarvester.ts';
import type { CatalogueDatabase } from './openCatalogueDatabase.ts';
import { readChanges, type DatasetChange } from './readChanges.ts';
import type { CapturedSnapshot, IndexSnapshots } from '../snapshot/createIndexSnapshots.ts';

/** Where a replica stands against the stored catalogue. */
export interface ReplicaStatus {
  /** The last sequence number applied to the index. */
  applied: number;
  /** The highest sequence number the replica knows was written (from the last catch-up or notification). */
  stored: number;
  /** `stored - applied`: changes written but not yet in this replica's index. */
  behind: number;
  /** True once the replica has caught up with the stored catalogue at least once: it then serves the whole catalogue. */
  caughtUp: boolean;
  /** What the replica is doing before it is caught up the first time; `caught up` after. */
  phase: 'loading snapshot' | 'catching up' | 'caught up';
  /** Whether the last read of the database worked. */
  databaseReachable: boolean;
  /** Why the last read failed, for operators. */
  lastError: string | null;
}

export interface ReplicaOptions {
  db: CatalogueDatabase;
  index: CatalogueIndex;
  discovery: Discovery;
  harvester: Pick<Harvester, 'restore'>;
  /** Catch up at least this often even without a notification, in milliseconds: a missed one costs at most this. @default 1000 */
  pollIntervalMs?: number;
  /** Rows per batch of the catch-up (see `readChanges`). @default 2000 */
  batchRows?: number;
  /** Told of each dataset change applied after the first catch-up, with how long after its write (for the lag histogram). */
  onApplied?: (lagMs: number) => void;
  /** Problems for the operator's log (a record the index refused, a read that failed), once per new problem; `level` info for news that is no problem. */
  log?: (entry: { msg: string; level?: 'info' | 'warn'; [key: string]: unknown }) => void;
  /** Index snapshots on disk: loaded at start (`loadSnapshot`), written every `intervalMs` once caught up. @default none: the index is rebuilt from the database at every start */
  snapshots?: IndexSnapshots;
}

export interface Replica extends AsyncDisposable {
  status(): ReplicaStatus;
  /** Applies every change stored since the last one applied; concurrent calls share one catch-up (and run one more if asked during it). */
  catchUp(): Promise<void>;
  /** Resolves once the replica has applied `seq`, catching up as needed. */
  waitFor(seq: number): Promise<void>;
  /**
   * A write this replica made itself (the leader's), applied from what it
   * has in hand instead of read back: `apply` is given the function that
   * puts one dataset (or its removal) into the index. Only when the write is
   * the very next change after what is applied and no catch-up is under way
   * (one could apply an older copy of a row after it); otherwise the write
   * is read back like any other.
   */
  applyWritten(range: { from: number; head: number }, apply: (put: (id: string, record: DatasetRecord | null) => void) => void | Promise<void>): Promise<void>;
  /** Tells the replica the head has moved (a notification), so it catches up. */
  notify(head: number): void;
  /** Starts the poll timer (and the snapshot timer). */
  start(): void;
  /**
   * Before the first catch-up: puts the newest usable snapshot into the
   * index, so the catch-up reads only the changes after it. Any problem
   * with it is logged and leaves the index empty, to be rebuilt.
   */
  loadSnapshot(): Promise<void>;
  /** Writes a snapshot of the index now (encoded between applied changes, written while they go on); undefined when there is nothing new to write, no snapshots are configured or it failed (logged). */
  writeSnapshot(): Promise<{ seq: number; bytes: number; path: string } | undefined>;
}

/**
 * A replica of the stored catalogue in this process's index, lineage graph
 * and discovery: applies, in sequence order, every change the leader wrote.
 * Woken by notifications (`notify`) and by a poll, and each catch-up reads
 * from the last number applied, so a missed notification delays a change by
 * at most `pollIntervalMs` and loses nothing.
 *
 * The index is this process's only copy and is rebuilt from the database at
 * start; nothing here is written back.
 */
export function createReplica(options: ReplicaOptions): Replica {
  const { db, index, discovery, harvester, pollIntervalMs = 1000, batchRows = 2000, onApplied } = options;
  const log = options.log ?? ((entry) => console.warn(JSON.stringify({ level: 'warn', ...entry })));
  let applied = 0;
  let stored = 0;
  let caughtUp = false;
  let phase: ReplicaStatus['phase'] = 'catching up';
  /** Set while the index came from a snapshot and the first catch-up has not yet read every region's policies and harvest state (a snapshot holds datasets only). */
  let statesAfter: number | undefined;
  /** The sequence number of the newest snapshot written or loaded: a snapshot is written only when the index has moved past it. */
  let snapshotSeq = -1;
  let snapshotTimer: NodeJS.Timeout | undefined;
  /** A job (a snapshot) waiting for the round of catching up under way to end. */
  let waitingJob: (() => Promise<void>) | undefined;
  const { snapshots } = options;
  /** When this replica was made: its first catch-up's log line says how long a start took. */
  const startedAt = performance.now();
  let databaseReachable = true;
  let lastError: string | null = null;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  /** Problems already logged, so a failing database is logged once, not every poll. */
  let lastLogged: string | undefined;

  function put(id: string, record: DatasetRecord | null): void {
    if (record === null) {
      index.remove(id);
      return;
    }
    try {
      index.upsert(record);
    } catch (error) {
      // Validated by the leader before it was stored; a record this release cannot index is left out, not fatal.
      log({ msg: 'stored record not indexed', id, error: (error as Error).message });
    }
  }

  function applyDatasets(batch: readonly DatasetChange[]): void {
    const now = Date.now();
    for (const change of batch) {
      put(change.id, change.record);
      if (caughtUp) onApplied?.(now - change.changedAtMs);
    }
    applied = Math.max(applied, batch[batch.length - 1]!.seq);
  }

  /**
   * Removes what the index holds that the database no longer does: for a
   * replica that was further behind than the tombstones kept (see
   * `purgeTombstones`), so some removals can no longer be read one by one.
   */
  async function dropWhatIsGone(): Promise<void> {
    const live = new Set((await db.pool.query<{ id: string }>(`SELECT id FROM ${db.table('datasets')} WHERE record IS NOT NULL`)).rows.map((row) => row.id));
    let dropped = 0;
    for (const region of index.regionCodes()) {
      for (const id of [...index.regionIds(region)]) {
        if (live.has(id)) continue;
        index.remove(id);
        dropped += 1;
      }
    }
    log({ msg: 'replica was behind the tombstones kept; compared its index with the stored datasets', dropped });
  }

  async function catchUpOnce(): Promise<void> {
    const from = applied;
    const { head, purgedThrough } = await readChanges(
      db,
      from,
      {
        // Known from the start of the read, so progress (`behind`) is right while a long catch-up runs.
        head: (head) => void (stored = Math.max(stored, head)),
        policies(changes) {
          for (const change of changes) {
            if (!change.texts) continue;
            try {
              discovery.setPolicies(compileRegionPolicies(change.region, change.texts));
            } catch (error) {
              const problem = error instanceof InvalidPoliciesError ? error.problems[0] : (error as Error).message;
              log({ msg: 'stored policies not taken', region: change.region, error: problem });
            }
          }
        },
        datasets: applyDatasets,
        harvests(changes) {
          for (const change of changes) if (!change.removed) harvester.restore(change.region, change.state);
        },
      },
      { batchRows, ...(statesAfter !== undefined ? { statesAfter } : {}) },
    );
    statesAfter = undefined;
    if (head < from) {
      // The database is behind this replica: restored from a backup. Read it whole again (same revisions cost nothing), then drop what it no longer has.
      log({ msg: 'the catalogue database is behind this replica (restored from a backup?); reading it whole again', applied: from, stored: head });
      applied = 0;
      stored = head;
      await catchUpOnce();
      await dropWhatIsGone();
      return;
    }
    if (from > 0 && from < purgedThrough) await dropWhatIsGone();
    applied = Math.max(applied, head);
    stored = Math.max(stored, head);
    databaseReachable = true;
    lastError = null;
    lastLogged = undefined;
    if (!caughtUp) {
      log({ level: 'info', msg: 'replica caught up with the stored catalogue; serving', applied, datasets: index.size(), fromSnapshot: snapshotSeq >= 0 ? snapshotSeq : null, ms: Math.round(performance.now() - startedAt) });
      // Rebuilt from the database: the next start need not do that again.
      if (snapshots && snapshotSeq < 0) setImmediate(() => void writeSnapshotNow());
    }
    caughtUp = true;
    phase = 'caught up';
  }

  /** The snapshot being written, if any: one at a time. */
  let snapshotting: Promise<{ seq: number; bytes: number; path: string } | undefined> | undefined;

  function writeSnapshotNow(deadline?: number): Promise<{ seq: number; bytes: number; path: string } | undefined> {
    snapshotting ??= writeSnapshotOnce(deadline).finally(() => (snapshotting = undefined));
    return snapshotting;
  }

  /**
   * Encodes the index as the one job under way (no change is applied
   * meanwhile; searches go on between slices), then writes the encoded copy
   * while changes are applied again: replication pauses for the encoding
   * only, not for writing and flushing the file.
   */
  async function writeSnapshotOnce(deadline?: number): Promise<{ seq: number; bytes: number; path: string } | undefined> {
    // At shutdown (a deadline) the replica is already disposed; otherwise a disposed one writes nothing.
    if (!snapshots || !caughtUp || (disposed && deadline === undefined)) return undefined;
    let captured: CapturedSnapshot | undefined;
    const job = async () => {
      // Nothing new since the last, or nothing stored at all: no snapshot would make a start faster.
      if (applied === snapshotSeq || applied === 0) return;
      try {
        captured = await snapshots.capture(index, applied, deadline);
      } catch (error) {
        log({ msg: 'index snapshot not written; the replica goes on without it', error: (error as Error).message });
      }
    };
    if (!running) await run(job);
    else {
      // Between two rounds of the catch-up under way: a steady stream of changes cannot put it off for ever.
      await new Promise<void>((resolve) => {
        const before = waitingJob;
        waitingJob = async () => {
          await before?.();
          await job();
          resolve();
        };
      });
    }
    if (!captured) return undefined;
    try {
      const written = await captured.write(deadline);
      snapshotSeq = Math.max(snapshotSeq, written.seq);
      log({ level: 'info', msg: 'index snapshot written', path: written.path, seq: written.seq, bytes: written.bytes, encodeMs: Math.round(written.encodeMs), writeMs: Math.round(written.writeMs) });
      return written;
    } catch (error) {
      // A full disk or a folder gone costs the next restart its speed, nothing else.
      log({ msg: 'index snapshot not written; the replica goes on without it', error: (error as Error).message });
      return undefined;
    }
  }

  /** Runs the job waiting for a round of catching up to end, if any (it never throws). */
  async function runWaitingJob(): Promise<void> {
    const job = waitingJob;
    waitingJob = undefined;
    await job?.();
  }

  /**
   * Runs `first` (a catch-up, or the leader's own write put in directly),
   * then as many catch-ups as were asked for meanwhile, as the one job under
   * way: a catch-up and a direct write never interleave, so neither can put
   * an older copy of a dataset after a newer one.
   */
  function run(first: () => Promise<void>): Promise<void> {
    running = (async () => {
      try {
        again = false;
        await first();
        await runWaitingJob();
        while (again && !disposed) {
          again = false;
          await catchUpOnce();
          await runWaitingJob();
        }
      } catch (error) {
        databaseReachable = false;
        lastError = (error as Error).message;
        if (lastLogged !== lastError) log({ msg: 'catalogue database unreachable; serving the index as it is', error: lastError });
        lastLogged = lastError;
        throw error;
      } finally {
        await runWaitingJob();
        running = undefined;
      }
    })();
    return running;
  }

  function catchUp(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    return run(catchUpOnce);
  }

  return {
    status: () => ({ applied, stored, behind: Math.max(0, stored - applied), caughtUp, phase, databaseReachable, lastError }),
    async loadSnapshot() {
      if (!snapshots || caughtUp || applied > 0 || running) return;
      // As the one job under way: a poll or notification meanwhile catches up after it, from the snapshot's sequence number.
      await run(async () => {
        phase = 'loading snapshot';
        try {
          // The head first, so /ready says how far behind the replica is while the snapshot loads.
          const head = await db.pool.query<{ head: string }>(`SELECT head FROM ${db.table('catalogue_state')}`).catch(() => undefined);
          if (head) stored = Math.max(stored, Number(head.rows[0]!.head));
          const loaded = await snapshots.loadNewest((entry) => log(entry));
          if (!loaded) return;
          index.restoreState(loaded.state);
          applied = loaded.seq;
          snapshotSeq = loaded.seq;
          statesAfter = 0;
          log({ level: 'info', msg: 'index loaded from snapshot; catching up from its sequence number', path: loaded.path, seq: loaded.seq, datasets: loaded.datasets, bytes: loaded.bytes, readMs: Math.round(loaded.readMs), decodeMs: Math.round(loaded.decodeMs), verifyWaitMs: Math.round(loaded.verifyWaitMs) });
        } catch (error) {
          log({ msg: 'index snapshot not loaded; rebuilding the index from PostgreSQL', error: (error as Error).message });
        } finally {
          phase = caughtUp ? 'caught up' : 'catching up';
        }
      });
    },
    writeSnapshot: writeSnapshotNow,
    catchUp,
    async waitFor(seq) {
      stored = Math.max(stored, seq);
      // A catch-up already under way may have read an earlier head; it then runs once more, or the next one reads this one.
      while (applied < seq && !disposed) await catchUp();
    },
    async applyWritten(range, apply) {
      stored = Math.max(stored, range.head);
      if (!running && applied === range.from) {
        await run(async () => {
          await apply(put);
          applied = Math.max(applied, range.head);
        });
        return;
      }
      while (applied < range.head && !disposed) await catchUp();
    },
    notify(head) {
      stored = Math.max(stored, head);
      if (head > applied) void catchUp().catch(() => undefined);
    },
    start() {
      if (timer || disposed) return;
      timer = setInterval(() => void catchUp().catch(() => undefined), pollIntervalMs);
      timer.unref();
      if (snapshots) {
        snapshotTimer = setInterval(() => void writeSnapshotNow(), snapshots.intervalMs);
        snapshotTimer.unref();
      }
    },
    async [Symbol.asyncDispose]() {
      disposed = true;
      clearInterval(timer);
      clearInterval(snapshotTimer);
      await running?.catch(() => undefined);
      await snapshotting;
      // What was applied since the newest snapshot is not replayed by the next start if written now, within a budget: a stop is not held up for long.
      if (snapshots && snapshots.shutdownBudgetMs > 0 && caughtUp && applied !== snapshotSeq) await writeSnapshotNow(performance.now() + snapshots.shutdownBudgetMs);
    },
  };
}
