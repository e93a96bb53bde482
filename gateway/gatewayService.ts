import type { KeyObject } from 'node:crypto';
import type { Server } from 'node:http';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { APQStore } from '@graphql-yoga/plugin-apq';
import type { RegionEntry } from '../schema/regionEntry.ts';
import type { CachesOptions, GatewayCaches } from './createCaches.ts';
import { createGateway, type GatewayCatalogue } from './createGateway.ts';
import type { RegionRegistry } from './createRegionRegistry.ts';
import type { Authenticator } from './identity/authenticate.ts';
import type { IdentityPluginOptions } from './identity/identityPlugin.ts';
import type { OperationLimits } from './limitsPlugin.ts';
import type { RegionFileEntry } from './readRegionEntries.ts';
import type { RequestLimits } from './requestLimitsPlugin.ts';
import { serveGateway, type ServeGatewayOptions, type WharfPhase } from './serveGateway.ts';

/** What every gateway process takes, with its catalogue in the process (`startWharf`) or behind it (`startGateway`). */
export interface GatewayServiceOptions {
  regions: readonly RegionEntry[];
  /**
   * The registry file the regions came from (`wharf gateway --regions`);
   * regions registered or removed at run time are written back to it.
   * Without it they last until the process ends.
   */
  registryFile?: { path: string; entries: readonly RegionFileEntry[] };
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** See `PartitionRouterOptions.timeoutMs`. @default 5000 */
  regionTimeoutMs?: number;
  logging?: 'debug' | 'info' | 'warn' | 'error' | false;
  /** Used for harvests and region fetches; tests pass a spy. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  authenticator: Authenticator;
  /** The gateway's Ed25519 private key; regions hold its public key. */
  signingKey: KeyObject;
  /** See `OperationLimits`. */
  limits?: OperationLimits;
  /** See `CachesOptions`. @default in-process caches, no Redis */
  caches?: CachesOptions;
  /** See `IdentityPluginOptions.clientRequestsPerMinute`. @default 600 */
  clientRequestsPerMinute?: number;
  /** See `GatewayOptions.identity`. */
  identity?: Pick<IdentityPluginOptions, 'authFailuresPerMinute' | 'trustedProxies'>;
  /** See `GatewayOptions.apqStore`. @default in-memory */
  apqStore?: APQStore;
  /** See `GatewayOptions.corsOrigins`. @default [] */
  corsOrigins?: readonly string[];
  /** See `RequestLimits`. */
  requestLimits?: RequestLimits;
  /** The admin credential (`WHARF_ADMIN_TOKEN`); without it `/admin/*` is off. */
  adminToken?: string;
  /** Hosts the admin API may register regions at (`WHARF_REGION_HOSTS`, normalised); undefined allows any. */
  regionHosts?: readonly string[];
  /** See `GatewayOptions.metricsToken` (`WHARF_METRICS_TOKEN`). */
  metricsToken?: string;
  /**
   * The origin the catalogue's pages name themselves by in canonical links
   * and JSON-LD (`WHARF_PUBLIC_ORIGIN`). @default the origin the gateway listens on
   */
  publicOrigin?: string;
  /** Longest wait for in-flight requests at shutdown, in milliseconds; then their connections are closed. @default 10000 */
  shutdownTimeoutMs?: number;
  /**
   * Closed last at shutdown, in order, after the HTTP server has drained and
   * harvesting has stopped: the Redis and PostgreSQL clients, when present.
   */
  resources?: readonly AsyncDisposable[];
}

/** A gateway process once it listens. */
export interface GatewayService extends AsyncDisposable {
  /** `http://host:port` of the gateway. */
  readonly origin: string;
  /** The GraphQL endpoint, `${origin}/graphql`. */
  readonly graphqlUrl: string;
  readonly gateway: GatewayRuntime;
  readonly httpServer: Server;
  readonly caches: GatewayCaches;
  readonly registry: RegionRegistry;
  readonly phase: WharfPhase;
}

/** The gateway runtime of a gateway process, in front of `catalogue`; pages name themselves by `origin` unless `publicOrigin` is set. */
export function createServiceGateway(
  options: GatewayServiceOptions,
  parts: { catalogue: GatewayCatalogue; registry: RegionRegistry; caches: GatewayCaches; origin: () => string },
): GatewayRuntime {
  return createGateway({
    catalogue: parts.catalogue,
    registry: parts.registry,
    ...(options.regionTimeoutMs !== undefined ? { regionTimeoutMs: options.regionTimeoutMs } : {}),
    ...(options.logging !== undefined ? { logging: options.logging } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    authenticator: options.authenticator,
    signingKey: options.signingKey,
    ...(options.limits ? { limits: options.limits } : {}),
    caches: parts.caches,
    ...(options.clientRequestsPerMinute !== undefined ? { clientRequestsPerMinute: options.clientRequestsPerMinute } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.apqStore ? { apqStore: options.apqStore } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    ...(options.requestLimits ? { requestLimits: options.requestLimits } : {}),
    ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
    ...(options.metricsToken !== undefined ? { metricsToken: options.metricsToken } : {}),
    // Pages are served only once the server listens, so the origin is known by then.
    publicOrigin: options.publicOrigin ?? parts.origin,
  });
}

/**
 * Serves `gateway` (see `serveGateway`), closing what `close` closes at
 * shutdown or when the server cannot listen, then `resources` in order.
 */
export async function listenGatewayService(
  options: Pick<GatewayServiceOptions, 'host' | 'port' | 'shutdownTimeoutMs' | 'resources'>,
  parts: { gateway: GatewayRuntime; caches: GatewayCaches; registry: RegionRegistry; probe?: ServeGatewayOptions['probe']; close: () => Promise<void> },
): Promise<GatewayService> {
  const { host = '127.0.0.1', port = 0, shutdownTimeoutMs = 10_000, resources = [] } = options;
  const stop = async () => {
    await parts.close();
    for (const resource of resources) await Promise.resolve(resource[Symbol.asyncDispose]()).catch(() => undefined);
  };
  let served;
  try {
    served = await serveGateway(parts.gateway, { host, port, shutdownTimeoutMs, ...(parts.probe ? { probe: parts.probe } : {}), stop });
  } catch (error) {
    await stop();
    throw error;
  }
  const { origin, httpServer } = served;
  return {
    origin,
    graphqlUrl: `${origin}/graphql`,
    gateway: parts.gateway,
    httpServer,
    caches: parts.caches,
    registry: parts.registry,
    get phase() {
      return served.phase;
    },
    [Symbol.asyncDispose]: () => served[Symbol.asyncDispose](),
  };
}
