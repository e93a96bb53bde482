import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RegionEntry } from '../../schema/regionEntry.ts';
import { serveRegion } from '../../subgraphs/region/serveRegion.ts';
import { createFileStore } from '../../subgraphs/region/store/createFileStore.ts';
import { loadRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';
import { fixtureGatewayKeys } from './fixtureRegions.ts';

const demoSingapore = fileURLToPath(new URL('../../subgraphs/demo/SG/', import.meta.url));

/** The real data.gov.sg records a small Singapore region serves: the port authority's, and a few in other formats. */
export const singaporeRecordFilter = (record: { publisher?: { name?: string }; title: string }) =>
  record.publisher?.name === 'Maritime and Port Authority of Singapore' || /^Coastal and Marine Habitat Map/.test(record.title);

/** A Singapore region on a free loopback port, from a handful of real data.gov.sg records, trusting the fixture gateway's key. */
export async function startSingaporeRegion(): Promise<{ entry: RegionEntry; datasets: number } & AsyncDisposable> {
  const folder = await mkdtemp(join(tmpdir(), 'wharf-sg-'));
  await cp(join(demoSingapore, 'policies'), join(folder, 'policies'), { recursive: true });
  let datasets = 0;
  for (const file of (await readdir(demoSingapore)).filter((name) => name.endsWith('.json')).sort()) {
    const record = JSON.parse(await readFile(join(demoSingapore, file), 'utf8')) as { publisher?: { name?: string }; title: string };
    if (!singaporeRecordFilter(record)) continue;
    await cp(join(demoSingapore, file), join(folder, file));
    datasets += 1;
  }
  const store = await createFileStore({ region: 'SG', folder, pollIntervalMs: 0 });
  const policies = await loadRegionPolicies('SG', folder);
  const server = await serveRegion({ store, policies, gatewayPublicKey: fixtureGatewayKeys.publicKey });
  return {
    entry: { code: 'SG', name: 'Singapore', url: server.url },
    datasets,
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await store[Symbol.asyncDispose]();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
