/**
 * Child process: the five demo regions, each on its own loopback port as
 * `npm start` runs them, trusting the consumer signed by the gateway key
 * given. `node --import tsx bench/gateway/main/demoRegions.ts --gateway-key <public.pem>`
 * prints `regions <JSON list of { code, name, url }>` when every region listens.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoRegionListPath } from '../../../gateway/startDemo.ts';
import { readRegionList } from '../../../subgraphs/region/readRegionList.ts';
import { serveRegion, type RegionServer } from '../../../subgraphs/region/serveRegion.ts';
import { createFileStore } from '../../../subgraphs/region/store/createFileStore.ts';
import { loadRegionPolicies } from '../../../subgraphs/shared/access/loadRegionPolicies.ts';

const { values } = parseArgs({ options: { 'gateway-key': { type: 'string' } } });
if (!values['gateway-key']) {
  console.error('Usage: demoRegions.ts --gateway-key <public.pem>');
  process.exit(2);
}
const gatewayPublicKey = createPublicKey(readFileSync(values['gateway-key'], 'utf8'));
const servers: RegionServer[] = [];
const regions: { code: string; name: string; url: string }[] = [];
for (const source of await readRegionList(demoRegionListPath)) {
  const store = await createFileStore({ region: source.code, folder: source.folder });
  const policies = await loadRegionPolicies(source.code, source.folder);
  const server = await serveRegion({ store, policies, gatewayPublicKey, port: 0, lineageJournalPath: join(source.folder, 'lineage', 'events.jsonl') });
  servers.push(server);
  regions.push({ code: source.code, name: source.name, url: server.url });
}
console.log(`regions ${JSON.stringify(regions)}`);
const stop = async () => {
  for (const server of servers) await server[Symbol.asyncDispose]();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
