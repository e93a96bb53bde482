import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wharfBin } from '../support/runWharf.ts';

/**
 * The memories any client can fill, filled past their bounds through the
 * real gateway of `npm start` (the demo, in its own process), twice over with
 * new values each time. Bounded, the second fill costs the process next to
 * nothing: every cache and memo is already at its bound and evicts. Unbounded,
 * it would cost the first fill again (hundreds of MB for the parse cache alone).
 */
const fills = {
  /** Distinct 30 kB operations, a 29 kB literal each: parse and validation cache (32 MiB, about 530 such documents), persisted queries (8 Mi characters). */
  operations: 800,
  /** Requests of 30 distinct purposes each: a region's decision memo (32 MiB), the entity and answer caches (measured: the first 1,000 leave 160 MB, the next 1,000 still 40 MB, then next to nothing). */
  purposeRequests: 1400,
  /** Distinct 900-character searches: the search cache, the analyzer's memo. */
  searches: 500,
  /** Distinct operation names: metric label slots (50). */
  operationNames: 300,
};
/**
 * The V8 heap the process is given, in MB: the demo's catalogue (with the
 * search languages' dictionaries) and five regions keep about 165 MB alive,
 * every bound together about 210 MB more (measured after full collections,
 * four fills over), and V8 needs room to collect in. A
 * memory without a bound would end the process here ("heap out of memory")
 * instead of being collected.
 */
const heapBudgetMb = 512;
/** What the second fill may add to the process's resident memory, in MB. */
const secondFillBudgetMb = 60;
/** What both fills may add to the process's resident memory together, in MB: the bounds' sum plus V8's slack. */
const totalBudgetMb = 450;

let child: ChildProcess;
let graphqlUrl: string;
const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;

beforeAll(async () => {
  child = spawn(process.execPath, [`--max-old-space-size=${heapBudgetMb}`, wharfBin, 'demo'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WHARF_PORT: '0', WHARF_REGION_PORT_BASE: '0', WHARF_HARVEST_INTERVAL_MS: '0', WHARF_CLIENT_RATE_LIMIT_PER_MINUTE: '10000000', WHARF_LOG_LEVEL: 'error' },
  });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  let err = '';
  child.stderr!.on('data', (chunk) => (err = (err + chunk).slice(-4000)));
  // A memory without a bound ends the process; its last words say which allocation failed.
  child.once('exit', (code, signal) => code !== 0 && console.error(`wharf demo exited with ${code ?? signal}: ${err}`));
  graphqlUrl = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /GraphQL endpoint\s+(http:\/\/\S+\/graphql)/.exec(out);
      if (match) {
        clearInterval(timer);
        resolve(match[1]!);
      }
    }, 100);
    child.once('exit', (code) => reject(new Error(`wharf demo exited with ${code}: ${out}`)));
  });
}, 120_000);
afterAll(() => {
  child?.kill('SIGKILL');
});

/** Runs `count` requests, `concurrency` at a time; every answer must be a GraphQL answer, never a 5xx. */
async function run(count: number, body: (i: number) => unknown, concurrency = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const response = await fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body(i)) });
      expect(response.status).toBeLessThan(500);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function fill(round: string): Promise<void> {
  const filler = 'x'.repeat(29_000);
  await run(fills.operations, (i) => {
    const query = `query Fill { search(query: "${round}-${i}-${filler}") { totalCount } }`;
    return { query, extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } } };
  });
  await run(fills.purposeRequests, (i) => ({
    query: `{ dataset(id: "MO:dsec-trade-balance") { ${Array.from({ length: 30 }, (_, j) => `a${j}: access(purpose: "${round}-${i}-${j}-${'p'.repeat(40)}") { decision }`).join(' ')} } }`,
  }));
  await run(fills.searches, (i) => ({ query: 'query ($q: String!) { search(query: $q, first: 1) { totalCount } }', variables: { q: `${round} ${i} ${'trade population '.repeat(50)}`.slice(0, 900) } }));
  await run(fills.operationNames, (i) => ({ query: `query Op${round.replace(/\W/g, '')}${i} { regions { code } }`, operationName: `Op${round.replace(/\W/g, '')}${i}` }));
}

describe('memory any client can fill, through the gateway of npm start', () => {
  it('stays within its budget: filling every bounded memory twice over costs the second time next to nothing', async () => {
    // Warm up: every code path once, so what follows measures only what requests leave behind.
    await run(50, (i) => ({ query: `{ search(query: "warm ${i}") { totalCount } }` }));
    const before = rssMb();
    await fill('first');
    const afterFirst = rssMb();
    await fill('second');
    const afterSecond = rssMb();
    const report = `heap limit ${heapBudgetMb} MB; RSS ${before.toFixed(0)} MB → ${afterFirst.toFixed(0)} MB after the first fill → ${afterSecond.toFixed(0)} MB after the second`;
    console.log(report);
    expect(child.exitCode, report).toBeNull();
    expect(afterSecond - afterFirst, report).toBeLessThan(secondFillBudgetMb);
    expect(afterSecond - before, report).toBeLessThan(totalBudgetMb);
  }, 600_000);
});
