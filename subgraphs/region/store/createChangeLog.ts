import { randomUUID } from 'node:crypto';
import type { Change, ChangeFeedPage } from '../../../schema/changeFeed.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';

interface Entry {
  seq: number;
  /** `undefined` marks a tombstone. */
  record: DatasetRecord | undefined;
}

/**
 * An in-memory change log: the current record of every dataset, plus a
 * sequence-ordered log of changes that the change feed pages through.
 *
 * Invariants: `seq` only grows; each id's latest entry is in `latest`, and
 * a log position is live only while it is still that id's latest entry, so
 * a dataset changed twice is sent once, at its newest position.
 */
export interface ChangeLog {
  readonly epoch: string;
  get(id: string): DatasetRecord | undefined;
  size(): number;
  ids(): IterableIterator<string>;
  /** Records `record` when its revision differs from the current one. Returns whether it changed. */
  upsert(record: DatasetRecord): boolean;
  /** Writes a tombstone for `id` when it is live. Returns whether it changed. */
  remove(id: string): boolean;
  page(region: string, since: string | undefined, limit: number): ChangeFeedPage;
}

export function createChangeLog(epoch: string = randomUUID().slice(0, 8)): ChangeLog {
  const latest = new Map<string, Entry>();
  const log: { seq: number; id: string }[] = [];
  let seq = 0;
  let live = 0;

  function append(id: string, record: DatasetRecord | undefined): void {
    seq += 1;
    latest.set(id, { seq, record });
    log.push({ seq, id });
  }

  /** The position `since` points at, or undefined when it is absent or from another epoch. */
  function positionOf(since: string | undefined): number | undefined {
    if (!since) return undefined;
    const dot = since.lastIndexOf('.');
    if (dot <= 0 || since.slice(0, dot) !== epoch) return undefined;
    const position = Number(since.slice(dot + 1));
    return Number.isSafeInteger(position) && position >= 0 && position <= seq ? position : undefined;
  }

  return {
    epoch,
    get: (id) => latest.get(id)?.record,
    size: () => live,
    *ids() {
      for (const [id, entry] of latest) if (entry.record) yield id;
    },
    upsert(record) {
      const current = latest.get(record.id);
      if (current?.record?.revision === record.revision) return false;
      if (!current?.record) live += 1;
      append(record.id, record);
      return true;
    },
    remove(id) {
      if (!latest.get(id)?.record) return false;
      live -= 1;
      append(id, undefined);
      return true;
    },
    page(region, since, limit) {
      const position = positionOf(since);
      const reset = position === undefined;
      const after = position ?? 0;
      // First log index with seq > after (seq is strictly increasing along the log).
      let low = 0;
      let high = log.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (log[mid]!.seq <= after) low = mid + 1;
        else high = mid;
      }
      const changes: Change[] = [];
      let cursorSeq = after;
      let index = low;
      for (; index < log.length && changes.length < limit; index += 1) {
        const { seq: entrySeq, id } = log[index]!;
        cursorSeq = entrySeq;
        const entry = latest.get(id)!;
        if (entry.seq !== entrySeq) continue;
        if (entry.record) changes.push({ op: 'upsert', id, revision: entry.record.revision, dataset: entry.record });
        else if (!reset) changes.push({ op: 'delete', id });
      }
      const hasMore = index < log.length;
      return { region, cursor: `${epoch}.${hasMore ? cursorSeq : seq}`, reset, hasMore, changes };
    },
  };
}
