import type { RegionEntry } from '../schema/regionEntry.ts';
import { createRegistryStore, type RegistryStore } from '../subgraphs/catalogue/durable/createRegistryStore.ts';
import type { CatalogueDatabase } from '../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { createRegionRegistry, type RegionRegistry } from './createRegionRegistry.ts';
import { regionFileEntrySchema, resolveRegionEntry, type RegionFileEntry } from './readRegionEntries.ts';

export interface OpenRegionRegistryOptions {
  /** The regions at start (`--regions`, or the demo's). */
  regions: readonly RegionEntry[];
  /** The registry file they came from: written back on changes when there is no database. */
  registryFile?: { path: string; entries: readonly RegionFileEntry[] };
  /** The catalogue's database: the registry is kept there, shared by every replica. */
  database?: CatalogueDatabase;
  /** Looks up `webhookSecretEnv` of stored entries. @default process.env */
  env?: Record<string, string | undefined>;
  fetch?: typeof globalThis.fetch;
  /** See `RegionRegistryOptions.contractTimeoutMs`. */
  contractTimeoutMs?: number;
  /** See `RegionRegistryOptions.allowedHosts`. */
  allowedHosts?: readonly string[];
  /** Where a stored entry this release refuses is reported. @default a JSON line on stderr */
  log?: (entry: { msg: string; region: string; reason: string }) => void;
}

/**
 * The region registry a gateway or catalogue replica starts with. Without a
 * database: the regions given, written back to the registry file. With
 * one: the registry stored there (seeded from the regions given on the
 * very first start, see `RegistryStore.load`), followed for changes other
 * replicas make. A stored entry's ping secret comes from its
 * `webhookSecretEnv` variable, or from the region given for the same code
 * and URL (the demo and tests pass secrets inline).
 */
export async function openRegionRegistry(options: OpenRegionRegistryOptions): Promise<{ registry: RegionRegistry; store: RegistryStore | undefined }> {
  const { env = process.env } = options;
  const log = options.log ?? ((entry) => console.warn(JSON.stringify({ level: 'warn', ...entry })));
  const common = {
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.contractTimeoutMs !== undefined ? { contractTimeoutMs: options.contractTimeoutMs } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
  };
  if (!options.database) {
    const registry = createRegionRegistry({
      regions: options.regions,
      ...(options.registryFile ? { file: options.registryFile.path, fileEntries: options.registryFile.entries } : {}),
      ...common,
    });
    return { registry, store: undefined };
  }
  const store = createRegistryStore(options.database);
  const seed = options.registryFile?.entries ?? options.regions.map(({ webhookSecret: _secret, ...entry }) => entry);
  const { entries } = await store.load(seed);
  const fileEntries: RegionFileEntry[] = [];
  for (const entry of entries) {
    const parsed = regionFileEntrySchema.safeParse(entry);
    if (parsed.success) fileEntries.push(parsed.data);
    else log({ msg: 'stored region entry refused', region: String(entry.code), reason: parsed.error.issues[0]?.message ?? 'invalid' });
  }
  const given = new Map(options.regions.map((region) => [region.code, region]));
  const regions = fileEntries.map((entry) => {
    const resolved = resolveRegionEntry(entry, env);
    const inline = given.get(entry.code);
    return inline?.webhookSecret && inline.url === entry.url && !resolved.webhookSecret ? { ...resolved, webhookSecret: inline.webhookSecret } : resolved;
  });
  const registry = createRegionRegistry({ regions, fileEntries, store, env, ...common });
  return { registry, store };
}

/** The registry's options from a process's own (`--regions`, the registry file, `WHARF_REGION_HOSTS`). */
export function registryOptionsOf(options: {
  regions: readonly RegionEntry[];
  registryFile?: { path: string; entries: readonly RegionFileEntry[] };
  fetch?: typeof globalThis.fetch;
  regionTimeoutMs?: number;
  regionHosts?: readonly string[];
}): OpenRegionRegistryOptions {
  return {
    regions: options.regions,
    ...(options.registryFile ? { registryFile: options.registryFile } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.regionTimeoutMs !== undefined ? { contractTimeoutMs: options.regionTimeoutMs } : {}),
    ...(options.regionHosts ? { allowedHosts: options.regionHosts } : {}),
  };
}
