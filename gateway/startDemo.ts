import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRegionPolicies } from '../subgraphs/shared/access/loadRegionPolicies.ts';
import { demoIssuer, demoRegistryPath } from './demo/demoIdentity.ts';
import { createAuthenticator } from './identity/authenticate.ts';
import { readTrustedRegistry } from './identity/trustedRegistry.ts';
import { webhookPath, webhookRequest } from '../schema/harvestWebhook.ts';
import type { RegionEntry } from '../schema/regionEntry.ts';
import { readRegionList } from '../subgraphs/region/readRegionList.ts';
import { readLineageProducers } from '../subgraphs/region/lineage/lineageProducers.ts';
import { serveRegion, type RegionServer } from '../subgraphs/region/serveRegion.ts';
import { createFileStore } from '../subgraphs/region/store/createFileStore.ts';
import { cachesOptionsOf, identityOptionsOf, operationLimitsOf, requestLimitsOf, type WharfConfig } from './loadConfig.ts';
import { startWharf, type Wharf } from './startWharf.ts';

/** The demo region list shipped with Wharf. */
export const demoRegionListPath = fileURLToPath(new URL('../subgraphs/demo/regions.yaml', import.meta.url));
/** The demo's OpenLineage producer and its published key (demo only; see the file). */
export const demoLineageProducersPath = fileURLToPath(new URL('../subgraphs/demo/lineage-producers.yaml', import.meta.url));

export interface Demo extends AsyncDisposable {
  readonly wharf: Wharf;
  readonly regions: readonly (RegionEntry & { datasets: number })[];
}

/**
 * Everything in one process: each region of the list on its own loopback
 * port, called over HTTP exactly as in production, and the gateway with the
 * catalogue in front of them. Shutdown: gateway first, then the regions.
 */
export async function startDemo(
  config: Pick<WharfConfig, 'WHARF_HOST' | 'WHARF_PORT' | 'WHARF_REGION_PORT_BASE' | 'WHARF_HARVEST_INTERVAL_MS' | 'WHARF_REGION_TIMEOUT_MS' | 'WHARF_LOG_LEVEL'> &
    Partial<Pick<WharfConfig, 'WHARF_WEBHOOK_SECRET' | 'WHARF_CORS_ORIGINS' | 'WHARF_RECONCILE_INTERVAL_MS' | 'WHARF_MAX_DEPTH' | 'WHARF_MAX_ALIASES' | 'WHARF_MAX_TOKENS' | 'WHARF_MAX_DIRECTIVES' | 'WHARF_MAX_COST'>> &
    Partial<Pick<WharfConfig, 'WHARF_CLIENT_RATE_LIMIT_PER_MINUTE' | 'WHARF_CACHE' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'WHARF_REDIS_KEY_PREFIX' | 'WHARF_REDIS_TIMEOUT_MS'>> &
    Partial<Pick<WharfConfig, 'WHARF_MAX_BODY_BYTES' | 'WHARF_MAX_BATCH' | 'WHARF_SHUTDOWN_TIMEOUT_MS'>> & { adminToken?: string } &
    Partial<Pick<WharfConfig, 'WHARF_MAX_QUERY_BYTES' | 'WHARF_METRICS_TOKEN' | 'WHARF_PUBLIC_ORIGIN'>> &
    Partial<Pick<WharfConfig, 'WHARF_AUTH_FAILURES_PER_MINUTE' | 'WHARF_TRUSTED_PROXIES' | 'WHARF_REGION_HOSTS'>>,
  regionListPath = demoRegionListPath,
): Promise<Demo> {
  const sources = await readRegionList(regionListPath);
  // The gateway signs each request's consumer; every region gets the public half.
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const authenticator = await createAuthenticator(demoIssuer, await readTrustedRegistry(demoRegistryPath));
  const lineageProducers = await readLineageProducers(demoLineageProducersPath);
  const servers: RegionServer[] = [];
  const regions: (RegionEntry & { datasets: number })[] = [];
  /** Set once the gateway listens: where a region's store pings on a change. */
  let gatewayOrigin: string | undefined;
  const ping = (region: string) => {
    const secret = config.WHARF_WEBHOOK_SECRET;
    if (!secret || !gatewayOrigin) return;
    const { headers, body } = webhookRequest(region, secret);
    void fetch(`${gatewayOrigin}${webhookPath}`, { method: 'POST', headers, body }).catch(() => undefined);
  };
  const stopRegions = async () => {
    for (const server of servers.reverse()) await server[Symbol.asyncDispose]();
  };
  try {
    for (const [i, source] of sources.entries()) {
      const store = await createFileStore({
        region: source.code,
        folder: source.folder,
        onChange: () => ping(source.code),
        onInvalid: (problems) =>
          console.error(`${source.code}: ${problems.length} invalid dataset file(s); serving the last good copy.`),
      });
      const port = config.WHARF_REGION_PORT_BASE === 0 ? 0 : config.WHARF_REGION_PORT_BASE + i;
      const policies = await loadRegionPolicies(source.code, source.folder);
      const server = await serveRegion({
        store,
        policies,
        gatewayPublicKey: publicKey,
        host: config.WHARF_HOST,
        port,
        name: source.name,
        lineageJournalPath: join(source.folder, 'lineage', 'events.jsonl'),
        lineageProducers,
      });
      servers.push(server);
      regions.push({
        code: source.code,
        name: source.name,
        url: server.url,
        datasets: await store.count(),
        ...(config.WHARF_WEBHOOK_SECRET ? { webhookSecret: config.WHARF_WEBHOOK_SECRET } : {}),
      });
    }
    const wharf = await startWharf({
      regions,
      host: config.WHARF_HOST,
      port: config.WHARF_PORT,
      harvestIntervalMs: config.WHARF_HARVEST_INTERVAL_MS,
      ...(config.WHARF_RECONCILE_INTERVAL_MS !== undefined ? { reconcileIntervalMs: config.WHARF_RECONCILE_INTERVAL_MS } : {}),
      regionTimeoutMs: config.WHARF_REGION_TIMEOUT_MS,
      logging: config.WHARF_LOG_LEVEL,
      authenticator,
      signingKey: privateKey,
      ...(config.WHARF_CORS_ORIGINS ? { corsOrigins: config.WHARF_CORS_ORIGINS } : {}),
      limits: operationLimitsOf(config),
      requestLimits: requestLimitsOf(config),
      caches: cachesOptionsOf(config),
      ...(config.WHARF_CLIENT_RATE_LIMIT_PER_MINUTE !== undefined ? { clientRequestsPerMinute: config.WHARF_CLIENT_RATE_LIMIT_PER_MINUTE } : {}),
      identity: identityOptionsOf(config),
      ...(config.WHARF_REGION_HOSTS ? { regionHosts: config.WHARF_REGION_HOSTS } : {}),
      ...(config.adminToken ? { adminToken: config.adminToken } : {}),
      ...(config.WHARF_METRICS_TOKEN ? { metricsToken: config.WHARF_METRICS_TOKEN } : {}),
      ...(config.WHARF_PUBLIC_ORIGIN ? { publicOrigin: config.WHARF_PUBLIC_ORIGIN } : {}),
      ...(config.WHARF_SHUTDOWN_TIMEOUT_MS !== undefined ? { shutdownTimeoutMs: config.WHARF_SHUTDOWN_TIMEOUT_MS } : {}),
    });
    gatewayOrigin = wharf.origin;
    return {
      wharf,
      regions,
      async [Symbol.asyncDispose]() {
        await wharf[Symbol.asyncDispose]();
        await stopRegions();
      },
    };
  } catch (error) {
    await stopRegions();
    throw error;
  }
}
