import { Worker } from 'node:worker_threads';

/**
 * A tally of facet values made on a second thread while the search ranks
 * its hits on its own: at a million datasets, a query matching hundreds of
 * thousands counts its facets in 10–15 ms, which then overlap the walk of
 * its lists instead of adding to it.
 *
 * One worker per process, started by the first search that could use it
 * (that search counts on its own) and left unreferenced, so it never keeps
 * the process alive. The index's value pools are in shared memory; the
 * worker reads them while the search thread only reads them too (an index
 * changes between searches, never during one), and writes the tally into
 * shared memory the search thread reads once it is told the tally is done.
 */

/** What a tally reads: each document's values (`pool` from `starts`, `counts` of them), and the documents to count as 32-bit words. */
export interface TallyInput {
  pool: Int32Array;
  starts: Int32Array;
  counts: Int32Array;
  /** Values a tally has (its length). */
  values: number;
  /** Count these documents' values… */
  hits: Uint32Array;
  /** …or, given, those of these documents not in `hits`. */
  live?: Uint32Array;
}

// Plain JavaScript, run as is in the worker: the process's TypeScript loader is not needed there.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const control = workerData.control;
parentPort.on('message', ({ pool, starts, counts, tally, values, hits, hitWords, live, liveWords }) => {
  try {
    tally.fill(0, 0, values);
    const words = live ? liveWords : hitWords;
    for (let w = 0; w < words; w += 1) {
      const hit = w < hitWords ? hits[w] : 0;
      let bits = live ? live[w] & ~hit : hit;
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const doc = (w << 5) + 31 - Math.clz32(low);
        const start = starts[doc];
        const end = start + counts[doc];
        for (let k = start; k < end; k += 1) tally[pool[k]] += 1;
      }
    }
    Atomics.store(control, 1, 1);
  } catch {
    Atomics.store(control, 1, 2);
  }
  Atomics.notify(control, 1);
});
Atomics.store(control, 0, 1);
`;

/** [0]: 1 once the worker listens; [1]: 1 when a tally is done, 2 when it failed. */
let control: Int32Array | undefined;
let worker: Worker | undefined;
let tally: Int32Array = sharedInt32(1024);
let hitCopy: Uint32Array = new Uint32Array(new SharedArrayBuffer(4096));
let liveCopy: Uint32Array = new Uint32Array(new SharedArrayBuffer(4096));
/** How long a search waits for the worker before it counts on its own (a worker gone or stalled). */
const waitMs = 10_000;
/** Tallies the worker made and a search used. */
export let talliesInWorker = 0;

/** Starts the worker if it is not, and resolves once it listens (false if it does not within `timeoutMs`). */
export async function tallyWorkerListening(timeoutMs = 10_000): Promise<boolean> {
  if (!worker) startWorker();
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((resolve) => setTimeout(resolve, 10))) {
    if (control && Atomics.load(control, 0) === 1) return true;
  }
  return false;
}

/** `array` in shared memory: itself if it is, else a copy. */
export function sharedCopy<T extends Int32Array | Uint32Array>(array: T): T {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}

/** A typed array of `length` in shared memory. */
export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * 4));
}

/** `words` copied into `into` (grown if short), as the tally reads them. */
function copied(words: Uint32Array, into: Uint32Array): Uint32Array {
  const grown = into.length >= words.length ? into : new Uint32Array(new SharedArrayBuffer(words.length * 8));
  grown.set(words);
  return grown;
}

function startWorker(): void {
  control = new Int32Array(new SharedArrayBuffer(8));
  const started = new Worker(workerSource, { eval: true, workerData: { control } });
  started.unref();
  // A worker let go after a stall may exit later: only the current one's end forgets it.
  const gone = () => {
    if (worker !== started) return;
    worker = undefined;
    control = undefined;
  };
  started.on('error', gone);
  started.on('exit', gone);
  worker = started;
}

/**
 * Starts the tally of `input` on the worker, and returns what waits for it
 * and gives each value's count (by value id; indices past `input.values`
 * mean nothing); undefined when no worker is listening yet (the caller
 * counts on its own). The input's pools must be in shared memory.
 */
export function startTally(input: TallyInput): (() => Int32Array | undefined) | undefined {
  if (!worker) startWorker();
  if (!control || Atomics.load(control, 0) !== 1) return undefined;
  if (tally.length < input.values) tally = sharedInt32(input.values * 2);
  hitCopy = copied(input.hits, hitCopy);
  if (input.live) liveCopy = copied(input.live, liveCopy);
  Atomics.store(control, 1, 0);
  const sent = control;
  worker!.postMessage({
    pool: input.pool,
    starts: input.starts,
    counts: input.counts,
    tally,
    values: input.values,
    hits: hitCopy,
    hitWords: input.hits.length,
    live: input.live ? liveCopy : undefined,
    liveWords: input.live?.length ?? 0,
  });
  const counted = tally;
  return () => {
    if (Atomics.wait(sent, 1, 0, waitMs) === 'timed-out') {
      // A worker stalled this long is let go (its tally may still land): the next search starts another.
      void worker?.terminate();
      worker = undefined;
      control = undefined;
      return undefined;
    }
    // A tally the worker could not finish is counted again by the caller.
    if (Atomics.load(sent, 1) !== 1) return undefined;
    talliesInWorker += 1;
    return counted;
  };
}
