import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import type { RegionEntry } from '../../schema/regionEntry.ts';
import { serveRegion, type RegionServer } from '../../subgraphs/region/serveRegion.ts';
import { createMemoryStore, type MemoryStore } from '../../subgraphs/region/store/createMemoryStore.ts';
import { compileRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';
import { iterateDatasets } from '../../bench/generateDatasets.ts';
import { fixtureGatewayKeys } from './fixtureRegions.ts';
import { postgresUrl } from './realServers.ts';

/** Policies that let everyone discover and read everything: these tests are about what is held, not who sees it. */
export const openPolicies = { 'open.cedar': '@id("open") @reason("Test: everything is open.") permit (principal, action, resource);' };

export interface SyntheticRegion {
  code: string;
  store: MemoryStore;
  server: RegionServer;
  entry: RegionEntry;
  /** Change-feed requests served so far. */
  feedRequests(): number;
  /** Makes every change-feed page answer `ms` late (0: at once). */
  slowFeed(ms: number): void;
}

export interface SyntheticRegions extends AsyncDisposable {
  regions: Map<string, SyntheticRegion>;
  /** Every dataset the regions hold now, id → revision, read from their feeds from the start: the truth a catalogue must equal. */
  truth(): Promise<Map<string, string>>;
}

/**
 * Synthetic datasets (`bench/generateDatasets.ts`) split into their regions,
 * each served from memory over loopback HTTP with open policies, trusting
 * the fixture gateway key (and `harvesterPublicKey` for its harvests, when given).
 */
export async function startSyntheticRegions(count: number, options: { seed?: number; harvesterPublicKey?: import('node:crypto').KeyObject } = {}): Promise<SyntheticRegions> {
  const byRegion = new Map<string, DatasetRecord[]>();
  for (const record of iterateDatasets(count, options.seed ?? 1)) {
    let list = byRegion.get(record.region);
    if (!list) byRegion.set(record.region, (list = []));
    list.push(record);
  }
  const regions = new Map<string, SyntheticRegion>();
  for (const [code, records] of byRegion) {
    const store = createMemoryStore(code, records);
    let delayMs = 0;
    let requests = 0;
    const slowStore = {
      ...store,
      changes: async (since: string | undefined, limit: number) => {
        requests += 1;
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        return store.changes(since, limit);
      },
    };
    const server = await serveRegion({
      store: slowStore,
      policies: compileRegionPolicies(code, openPolicies),
      gatewayPublicKey: fixtureGatewayKeys.publicKey,
      ...(options.harvesterPublicKey ? { harvesterPublicKey: options.harvesterPublicKey } : {}),
    });
    regions.set(code, {
      code,
      store,
      server,
      entry: { code, name: `Region ${code}`, url: server.url },
      feedRequests: () => requests,
      slowFeed: (ms) => void (delayMs = ms),
    });
  }
  return {
    regions,
    async truth() {
      const truth = new Map<string, string>();
      for (const region of regions.values()) {
        let since: string | undefined;
        for (;;) {
          const page = await region.store.changes(since, 5000);
          for (const change of page.changes) {
            if (change.op === 'upsert') truth.set(change.id, change.dataset.revision);
            else truth.delete(change.id);
          }
          since = page.cursor;
          if (!page.hasMore) break;
        }
      }
      return truth;
    },
    async [Symbol.asyncDispose]() {
      for (const region of regions.values()) await region.server[Symbol.asyncDispose]();
    },
  };
}

/** A schema of its own for one test file, dropped with everything in it afterwards. */
export function testSchemaName(prefix = 'catalogue_test'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Resolves with `read()`'s value once `done` holds for it, polling every `intervalMs`; throws after `timeoutMs` with the last value. */
export async function waitUntil<T>(read: () => Promise<T> | T, done: (value: T) => boolean, { timeoutMs = 15_000, intervalMs = 100, what = 'the condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Waited ${timeoutMs} ms for ${what}; last seen: ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
