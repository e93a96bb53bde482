import { hostname } from 'node:os';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import type { CatalogueIndex } from '../createCatalogueIndex.ts';
import type { Discovery } from '../createDiscovery.ts';
import type { Harvester } from '../createHarvester.ts';
import { StoreUnavailableError, type HarvestSink, type ValidChange } from '../harvestSink.ts';
import { createDatabaseSession, type DatabaseSession } from './createDatabaseSession.ts';
import { createReplica, type Replica, type ReplicaStatus } from './createReplica.ts';
import { claimLeadership, purgeTombstones, requestHarvest, writeOutcome, writePage, writePolicies, writeRegionRemoval, writeSnapshot, type WrittenRange } from './harvestWrites.ts';
import { DeposedError, type CatalogueDatabase } from './openCatalogueDatabase.ts';
import { createIndexSnapshots, type IndexSnapshotOptions } from '../snapshot/createIndexSnapshots.ts';

export interface ReplicationOptions {
  database: CatalogueDatabase;
  /** How this replica names itself as leader (in `catalogue_state.leader_name` and logs). @default `<host>:<pid>` */
  name?: string;
  /** How often a follower tries to take the leader's lock, in milliseconds. @default 1000 */
  electionIntervalMs?: number;
  /** See `ReplicaOptions.pollIntervalMs`. @default 1000 */
  pollIntervalMs?: number;
  /**
   * Shortest pause between two stored harvest outcomes of a region that
   * differ only in their times, in milliseconds: followers show a region's
   * last harvest time at most this late. @default 10000
   */
  outcomeIntervalMs?: number;
  /** See `DatabaseSessionOptions.checkIntervalMs` and `checkTimeoutMs`. @default 1000, 2000 */
  sessionCheckIntervalMs?: number;
  sessionCheckTimeoutMs?: number;
  /** See `ReplicaOptions.batchRows`. @default 2000 */
  batchRows?: number;
  /**
   * How long a dataset's tombstone is kept, in milliseconds; the leader
   * deletes older ones every hour. A replica away for longer compares its
   * index with the stored datasets when it comes back. @default 604800000 (7 days)
   */
  tombstoneRetentionMs?: number;
  /** Told of each change applied after the first catch-up, with its lag from the leader's write, in milliseconds. */
  onApplied?: (lagMs: number) => void;
  /** Told each time this replica becomes leader or stops being it. */
  onRoleChange?: (role: 'leader' | 'follower') => void;
  /** The operator's log. @default JSON lines on stderr */
  log?: (entry: { level: 'info' | 'warn'; msg: string; [key: string]: unknown }) => void;
  /** Index snapshots on disk, for a fast restart (see `createIndexSnapshots`). @default none: every start rebuilds the index from the database */
  snapshots?: IndexSnapshotOptions;
}

/** Datasets put into the index before the event loop is let go: a snapshot of a large region must not hold up every request and timer for seconds. */
const putsPerTurn = 1000;

/** Removes `removals`, then puts `upserts`, letting the event loop run between every `putsPerTurn`. */
async function putAll(put: (id: string, record: DatasetRecord | null) => void, upserts: readonly DatasetRecord[], removals: readonly string[]): Promise<void> {
  let done = 0;
  const turn = async () => {
    done += 1;
    if (done % putsPerTurn === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  for (const id of removals) {
    put(id, null);
    await turn();
  }
  for (const record of upserts) {
    put(record.id, record);
    await turn();
  }
}

/** A replica's role and where it stands, for `/ready`, `/health` and `/metrics`. */
export interface ReplicationStatus extends ReplicaStatus {
  role: 'leader' | 'follower';
  /** Whether the dedicated session (notifications, the leader's lock) is connected. */
  sessionConnected: boolean;
  /** What harvesting is doing, as seen from this replica. */
  harvest: 'running' | 'left to the leader' | 'paused: catalogue database unreachable';
}

export interface Replication extends AsyncDisposable {
  /** Where the harvester's changes go: PostgreSQL, only while this replica leads. */
  readonly sink: HarvestSink;
  /** Whether this replica may harvest now (it leads and has applied everything stored). */
  canHarvest(): boolean;
  /** Binds the harvester (created with `sink` and `canHarvest`) and starts following the database and electing. */
  start(harvester: Harvester): void;
  /** Resolves once the replica has caught up with the stored catalogue for the first time. */
  caughtUp(): Promise<void>;
  status(): ReplicationStatus;
  /** Asks the leader, wherever it runs, to harvest `code` now. */
  requestHarvest(code: string): Promise<void>;
  readonly replica: Replica;
}

/**
 * Makes this process one replica of a durable catalogue: it applies every
 * stored change to its index (`createReplica`), and takes part in electing
 * the one replica that harvests. The leader holds a session-level advisory
 * lock on its dedicated connection (`createDatabaseSession`): losing that
 * connection — its process killed, its host or network gone, the server
 * hung past the session check — frees the lock, and another replica takes
 * it within `electionIntervalMs` of the server noticing. A new leader first
 * takes a new epoch (fencing every write of the one before), then applies
 * everything stored, then harvests from the stored cursors.
 */
export function createReplication(options: ReplicationOptions & { index: CatalogueIndex; discovery: Discovery }): Replication {
  const { database: db, index, electionIntervalMs = 1000, outcomeIntervalMs = 10_000, tombstoneRetentionMs = 7 * 86_400_000, name = `${hostname()}:${process.pid}` } = options;
  let purgeTimer: NodeJS.Timeout | undefined;
  /** Per region: the last outcome written (what besides the times it says) and when. Bounded by the regions harvested. */
  const outcomes = new Map<string, { key: string; atMs: number }>();
  const log = options.log ?? ((entry) => console.warn(JSON.stringify(entry)));
  let harvester: Harvester | undefined;
  let epoch: number | undefined;
  let electing = false;
  /**
   * The leader's writes, one at a time, each with its put into this
   * replica's index. The database would queue the writes on its sequence
   * row anyway; queued here instead, they hold one pooled connection rather
   * than one each, and catch-ups keep theirs. A write waits for the put of
   * the one before: written meanwhile, it would be read back from the
   * database by the catch-up that follows that put, not taken from hand.
   */
  let writes: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(write: () => Promise<T>): Promise<T> => {
    const next = writes.then(write, write);
    writes = next.catch(() => undefined);
    return next;
  };
  /**
   * Heads announced while the leader writes and puts its own change: its
   * own head is put from hand, so a catch-up woken by its announcement
   * would read back what it just wrote. Told to the replica once the put is
   * done (a no-op unless another writer, such as the registry, wrote too).
   */
  let ownWrites = 0;
  let announcedMeanwhile = 0;
  /** The last write failure logged, so a database that stays away is logged once. */
  let lastWriteProblem: string | undefined;
  let electionTimer: NodeJS.Timeout | undefined;
  let disposed = false;
  /** Counts the session's connections: a lock taken on one that has since been lost is no lock. */
  let sessionGeneration = 0;
  let resolveCaughtUp!: () => void;
  const caughtUpOnce = new Promise<void>((resolve) => (resolveCaughtUp = resolve));

  const replica = createReplica({
    db,
    index,
    discovery: options.discovery,
    // A leader's harvester is the newest word on its regions' states; what it reads back is what it wrote, or older.
    harvester: { restore: (code, state) => void (epoch === undefined && harvester?.restore(code, state)) },
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.batchRows !== undefined ? { batchRows: options.batchRows } : {}),
    ...(options.onApplied ? { onApplied: options.onApplied } : {}),
    ...(options.snapshots ? { snapshots: createIndexSnapshots({ ...options.snapshots, catalogue: db.schema }) } : {}),
    log: (entry) => log({ level: 'warn', ...entry }),
  });

  const session: DatabaseSession = createDatabaseSession({
    url: db.pool.options.connectionString!,
    channel: db.channel,
    ...(options.sessionCheckIntervalMs !== undefined ? { checkIntervalMs: options.sessionCheckIntervalMs } : {}),
    ...(options.sessionCheckTimeoutMs !== undefined ? { checkTimeoutMs: options.sessionCheckTimeoutMs } : {}),
    onConnected() {
      sessionGeneration += 1;
      // Whatever was announced while the session was away is read now.
      void replica.catchUp().catch(() => undefined);
    },
    onLost(reason) {
      sessionGeneration += 1;
      if (epoch !== undefined) void stepDown(`lost its database session (${reason})`);
    },
    onNotification(payload) {
      const [word, argument] = payload.split(' ');
      if (word === 'harvest') {
        if (epoch !== undefined && argument && harvester?.states().some((state) => state.region.code === argument)) void harvester.harvest(argument).catch(() => undefined);
        return;
      }
      const head = Number(word);
      if (!Number.isSafeInteger(head)) return;
      if (ownWrites > 0) announcedMeanwhile = Math.max(announcedMeanwhile, head);
      else replica.notify(head);
    },
  });

  async function stepDown(reason: string): Promise<void> {
    if (epoch === undefined) return;
    const was = epoch;
    epoch = undefined;
    log({ level: 'warn', msg: 'catalogue leader stepped down; harvesting stops here', replica: name, epoch: was, reason });
    options.onRoleChange?.('follower');
    await harvester?.stop();
  }

  async function elect(): Promise<void> {
    if (electing || disposed || epoch !== undefined || !harvester || !session.connected || !replica.status().caughtUp) return;
    electing = true;
    const generation = sessionGeneration;
    try {
      const lock = await session.query<{ got: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got', [db.leaderLockKey]);
      if (!lock.rows[0]?.got) return;
      let claimed: number;
      try {
        claimed = await claimLeadership(db, name);
        // The harvester compares what it reads with the index: everything stored must be in it first.
        await replica.catchUp();
      } catch (error) {
        await session.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [db.leaderLockKey]).catch(() => undefined);
        log({ level: 'warn', msg: 'catalogue leadership not taken', replica: name, error: (error as Error).message });
        return;
      }
      if (generation !== sessionGeneration || disposed) return;
      epoch = claimed;
      log({ level: 'info', msg: 'catalogue leader elected; harvesting from the stored cursors', replica: name, epoch });
      options.onRoleChange?.('leader');
      harvester.start();
      void harvester.harvestAll();
      void purge();
    } catch {
      // The session is down or slow: the next round tries again.
    } finally {
      electing = false;
    }
  }

  /** Deletes old tombstones, while this replica leads (see `purgeTombstones`). */
  async function purge(): Promise<void> {
    const current = epoch;
    if (current === undefined) return;
    try {
      const purged = await purgeTombstones(db, current, tombstoneRetentionMs);
      if (purged > 0) log({ level: 'info', msg: 'old tombstones deleted', replica: name, purged });
    } catch {
      // Tried again within the hour.
    }
  }

  /** The leader's epoch, or `StoreUnavailableError`: a replica that does not lead writes nothing. */
  function leaderEpoch(): number {
    if (epoch === undefined) throw new StoreUnavailableError('This replica does not lead the catalogue; only the leader writes harvests.');
    return epoch;
  }

  /**
   * Runs a write, then puts it into this replica's index (from what is in
   * hand when it can, see `Replica.applyWritten`): the harvester compares
   * the next page with the index, so the write must be in it first. A
   * refusal as deposed steps down, and drops the session so a lock it may
   * still hold goes too.
   */
  async function leaderWrite(write: (epoch: number) => Promise<WrittenRange>, apply: (put: (id: string, record: DatasetRecord | null) => void) => void | Promise<void>): Promise<void> {
    const current = leaderEpoch();
    let stored = false;
    try {
      await oneAtATime(async () => {
        ownWrites += 1;
        try {
          const range = await write(current);
          stored = true;
          lastWriteProblem = undefined;
          await replica.applyWritten(range, apply);
        } finally {
          ownWrites -= 1;
          if (ownWrites === 0 && announcedMeanwhile > 0) {
            replica.notify(announcedMeanwhile);
            announcedMeanwhile = 0;
          }
        }
      });
    } catch (error) {
      // Stored, but not yet read back: the next catch-up applies it. The harvest stops here, as the index is behind what it compares with.
      if (stored) throw new StoreUnavailableError(`A stored change could not be read back: ${(error as Error).message}`, { cause: error });
      if (error instanceof DeposedError) {
        await stepDown(error.message);
        session.reset('deposed');
      } else if (error instanceof StoreUnavailableError && lastWriteProblem !== error.message) {
        lastWriteProblem = error.message;
        log({ level: 'warn', msg: 'catalogue write failed; the harvest stops here and is tried again', replica: name, error: error.message });
      }
      throw error;
    }
  }

  const sink: HarvestSink = {
    async applyPage(region, changes, cursor) {
      // The last change of an id in the page is the one that counts; a deletion of an id not held needs no tombstone.
      const last = new Map<string, ValidChange>();
      for (const change of changes) {
        last.delete(change.id);
        last.set(change.id, change);
      }
      const upserts: DatasetRecord[] = [];
      const deletions: string[] = [];
      for (const change of last.values()) {
        if (change.op === 'upsert') upserts.push(change.record);
        else if (index.revisionOf(change.id) !== undefined) deletions.push(change.id);
      }
      await leaderWrite(
        (current) => writePage(db, current, region, upserts, deletions, cursor),
        (put) => putAll(put, upserts, deletions),
      );
    },
    async applySnapshot(region, removals, upserts, cursor, reconciledAt) {
      await leaderWrite(
        (current) => writeSnapshot(db, current, region, removals, upserts, cursor, reconciledAt),
        (put) => putAll(put, upserts, removals),
      );
    },
    async applyPolicies(region, policies) {
      await leaderWrite(
        (current) => writePolicies(db, current, region, policies),
        () => options.discovery.setPolicies(policies),
      );
    },
    async recordOutcome(state) {
      if (epoch === undefined) return;
      // An outcome that only moves the harvest times is written at most every `outcomeIntervalMs`: at short harvest intervals it would otherwise be most of the writes.
      const key = JSON.stringify([state.stale, state.lastError, state.skippedRecords, state.region.url]);
      const last = outcomes.get(state.region.code);
      if (last && last.key === key && Date.now() - last.atMs < outcomeIntervalMs) return;
      // The harvester's own state is this outcome already.
      await leaderWrite((current) => writeOutcome(db, current, state), () => undefined);
      outcomes.set(state.region.code, { key, atMs: Date.now() });
    },
    async removeRegion(code) {
      // The registry's removal wrote the tombstones already when the registry is in the database; this covers a catalogue without one.
      const held = [...index.regionIds(code)];
      if (epoch === undefined || held.length === 0) return;
      await leaderWrite(
        (current) => writeRegionRemoval(db, current, code, held),
        (put) => putAll(put, [], held),
      ).catch(() => undefined);
    },
  };

  return {
    sink,
    replica,
    canHarvest: () => epoch !== undefined,
    start(bound) {
      harvester = bound;
      session.start();
      replica.start();
      const initial = async () => {
        await replica.loadSnapshot();
        // Retried until it works: a replica started while the database is away serves nothing until it is back.
        while (!disposed) {
          try {
            await replica.catchUp();
            resolveCaughtUp();
            return;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
      };
      void initial();
      electionTimer = setInterval(() => void elect(), electionIntervalMs);
      electionTimer.unref();
      purgeTimer = setInterval(() => void purge(), 3_600_000);
      purgeTimer.unref();
    },
    caughtUp: () => caughtUpOnce,
    status() {
      const state = replica.status();
      // A session still making its first connection is not a database that is away.
      const reachable = state.databaseReachable && session.state !== 'down';
      return {
        ...state,
        databaseReachable: reachable,
        role: epoch !== undefined ? 'leader' : 'follower',
        sessionConnected: session.connected,
        harvest: !reachable ? 'paused: catalogue database unreachable' : epoch !== undefined ? 'running' : 'left to the leader',
      };
    },
    requestHarvest: (code) => requestHarvest(db, code),
    async [Symbol.asyncDispose]() {
      disposed = true;
      clearInterval(electionTimer);
      clearInterval(purgeTimer);
      if (epoch !== undefined) {
        epoch = undefined;
        await harvester?.stop();
      }
      // Closing the session frees the leader's lock at once: the next replica takes over within a round, not after this one's shutdown snapshot.
      await session[Symbol.asyncDispose]();
      await replica[Symbol.asyncDispose]();
    },
  };
}
