import { createGatewayRuntime, type GatewayPlugin, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { readFileSync } from 'node:fs';
import { supergraphPath } from '../schema/composeSupergraph.ts';
import type { RegionEntry } from '../schema/regionEntry.ts';
import type { Catalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import { catalogueExecutorPlugin } from './catalogueExecutorPlugin.ts';
import { harvestWebhookPlugin } from './harvestWebhookPlugin.ts';
import { maskError } from './maskError.ts';
import { partitionRouterPlugin } from './partition/partitionRouterPlugin.ts';

export interface GatewayOptions {
  catalogue: Catalogue;
  /** Regions the partition router sends entity fetches to. */
  regions: readonly RegionEntry[];
  /** See `PartitionRouterOptions.timeoutMs`. @default 5000 */
  regionTimeoutMs?: number;
  /** Supergraph SDL. @default the committed schema/supergraph.graphql */
  supergraphSdl?: string;
  /** Used for every region fetch; tests pass a spy. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Runtime log level; false silences it. @default 'warn' */
  logging?: 'debug' | 'info' | 'warn' | 'error' | false;
}

/**
 * The federation engine: the Hive gateway runtime with the Rust query
 * planner over Wharf's supergraph. Plugin order matters only where noted.
 */
export function createGateway(options: GatewayOptions): GatewayRuntime {
  const regionUrls = new Map(options.regions.map((region) => [region.code, region.url]));
  const secrets = new Map(options.regions.map((region) => [region.code, region.webhookSecret]));
  const plugins: GatewayPlugin[] = [
    // Answers its own path before GraphQL handling starts.
    harvestWebhookPlugin({ harvester: options.catalogue.harvester, secretOf: (code) => secrets.get(code) }),
    catalogueExecutorPlugin(options.catalogue),
    partitionRouterPlugin({
      regionUrl: (code) => regionUrls.get(code),
      ...(options.regionTimeoutMs !== undefined ? { timeoutMs: options.regionTimeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  ];
  return createGatewayRuntime({
    supergraph: options.supergraphSdl ?? readFileSync(supergraphPath, 'utf8'),
    unifiedGraphHandler,
    logging: options.logging ?? 'warn',
    plugins: () => plugins,
    maskedErrors: { maskError },
    healthCheckEndpoint: '/health',
    readinessCheckEndpoint: '/ready',
  });
}
