import { Worker } from 'node:worker_threads';

/** A snapshot file read by a worker thread: its bytes as soon as they are read, and whether its checksum holds once hashed. */
export interface FileInWorker {
  /** The whole file, in memory shared with the worker; rejects with the read's error (ENOENT, EIO…). */
  bytes: Promise<Buffer>;
  /** Whether the SHA-256 of all but the last `checksumBytes` equals those bytes; resolves after `bytes`. */
  checksumHolds: Promise<boolean>;
}

// Plain JavaScript, run as is in the worker: the process's TypeScript loader is not needed there.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { openSync, readSync, fstatSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { path, checksumBytes } = workerData;
try {
  const fd = openSync(path, 'r');
  let bytes;
  try {
    const size = fstatSync(fd).size;
    bytes = new Uint8Array(new SharedArrayBuffer(size));
    for (let at = 0; at < size; ) {
      const read = readSync(fd, bytes, at, Math.min(64 << 20, size - at), at);
      if (read === 0) throw Object.assign(new Error('it ended while being read'), { code: 'ESHORT' });
      at += read;
    }
  } finally {
    closeSync(fd);
  }
  parentPort.postMessage({ bytes: bytes.buffer });
  const end = Math.max(0, bytes.length - checksumBytes);
  const hash = createHash('sha256');
  for (let at = 0; at < end; at += 16 << 20) hash.update(bytes.subarray(at, Math.min(end, at + (16 << 20))));
  parentPort.postMessage({ holds: bytes.length >= checksumBytes && Buffer.from(hash.digest()).equals(bytes.subarray(end)) });
} catch (error) {
  parentPort.postMessage({ error: error.message, code: error.code });
}
`;

/**
 * Reads `path` and checks its checksum on another thread: the bytes come
 * back first (shared, not copied) so they can be decoded while the worker
 * hashes them, which at a million datasets takes as long as a second and a
 * half of the start.
 */
export function readInWorker(path: string, checksumBytes: number): FileInWorker {
  const worker = new Worker(workerSource, { eval: true, workerData: { path, checksumBytes } });
  worker.unref();
  let settleBytes!: { resolve: (bytes: Buffer) => void; reject: (error: Error) => void };
  let settleHolds!: { resolve: (holds: boolean) => void; reject: (error: Error) => void };
  const bytes = new Promise<Buffer>((resolve, reject) => (settleBytes = { resolve, reject }));
  const checksumHolds = new Promise<boolean>((resolve, reject) => (settleHolds = { resolve, reject }));
  // Whoever reads only the bytes (a file found damaged early) leaves the checksum unawaited.
  checksumHolds.catch(() => undefined);
  const fail = (error: Error) => {
    settleBytes.reject(error);
    settleHolds.reject(error);
    void worker.terminate();
  };
  worker.on('message', (message: { bytes?: SharedArrayBuffer; holds?: boolean; error?: string; code?: string }) => {
    if (message.error !== undefined) return fail(Object.assign(new Error(message.error), { code: message.code }));
    if (message.bytes) return settleBytes.resolve(Buffer.from(message.bytes));
    settleHolds.resolve(message.holds === true);
    void worker.terminate();
  });
  worker.on('error', fail);
  worker.on('exit', () => fail(new Error('the snapshot reader stopped before it was done')));
  return { bytes, checksumHolds };
}
