import type { RegionEntry } from '../schema/regionEntry.ts';
import { contractPath, contractProblems, contractVersionOf, formatVersion, pinnedContract, type RegionContract } from '../schema/regionContract.ts';
import type { WebhookVerifier } from '../schema/harvestWebhook.ts';
import { resolveRegionEntry, writeRegionFile, type RegionFileEntry } from './readRegionEntries.ts';
import { parseBoundedJson } from '../subgraphs/shared/parseBoundedJson.ts';
import { readCappedText } from '../subgraphs/shared/readCappedText.ts';

/** Largest `/contract` answer read, in bytes: the contract's SDL is about 10 kB. */
const maxContractBytes = 1_048_576;

/** Why a region was refused: its contract could not be read, or it is not the pinned one. */
export class ContractRefusedError extends Error {
  constructor(
    readonly code: 'CONTRACT_UNAVAILABLE' | 'CONTRACT_INCOMPATIBLE',
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ContractRefusedError';
  }
}

export interface RegionRegistryOptions {
  /** The regions at start (from `--regions` or the demo). */
  regions: readonly RegionEntry[];
  /** The same regions as the registry file writes them (secrets by variable name). @default `regions` without their secrets */
  fileEntries?: readonly RegionFileEntry[];
  /** Where registrations persist (`wharf gateway --regions <file>`); without it they live in memory only. */
  file?: string;
  /** Looks up `webhookSecretEnv` of regions registered at run time. @default process.env */
  env?: Record<string, string | undefined>;
  /** Longest wait for a region's `/contract`, in milliseconds. @default 5000 */
  contractTimeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** What the registry tells the catalogue and the router when it changes. */
export interface RegionRegistryListener {
  added(region: RegionEntry): void;
  removed(code: string): Promise<void> | void;
}

export interface RegionRegistry {
  /** Every registered region, in registration order. */
  list(): readonly RegionEntry[];
  get(code: string): RegionEntry | undefined;
  /** The registration as written (no secrets), for `GET /admin/regions`. */
  fileEntries(): readonly RegionFileEntry[];
  /** Whether the region's contract has been checked and accepted at its current URL. */
  isVerified(code: string): boolean;
  /**
   * Checks the region serves a compatible contract (once per URL unless
   * `recheck`); throws `ContractRefusedError` otherwise.
   */
  verify(region: RegionEntry, options?: { recheck?: boolean; timeoutMs?: number }): Promise<string>;
  /** Checks the contract, then adds (or replaces) the region and persists; nothing changes when the check fails. */
  register(entry: RegionFileEntry): Promise<{ region: RegionEntry; contractVersion: string; replaced: boolean }>;
  /** Removes a region and persists; false when no such region is registered. */
  remove(code: string): Promise<boolean>;
  verifierOf(code: string): WebhookVerifier | undefined;
  subscribe(listener: RegionRegistryListener): void;
}

/**
 * The regions the gateway routes to and harvests, changeable at run time.
 * A region is routed to and harvested only once it has shown, at
 * `GET /contract` beside its `/graphql`, that it serves the pinned contract
 * (see `schema/regionContract.ts`). Registrations made at run time persist
 * to the registry file when there is one, else they live until the process
 * ends.
 */
export function createRegionRegistry(options: RegionRegistryOptions): RegionRegistry {
  const { file, env = process.env, contractTimeoutMs = 5000, fetch = globalThis.fetch } = options;
  const pinned = pinnedContract();
  const initialFileEntries = options.fileEntries ?? options.regions.map(({ webhookSecret: _secret, ...entry }) => entry);
  const stored = new Map<string, RegionFileEntry>(initialFileEntries.map((entry) => [entry.code, entry]));
  const entries = new Map<string, RegionEntry>(options.regions.map((region) => [region.code, region]));
  /** Region code → the URL whose contract was accepted. */
  const verified = new Map<string, string>();
  const checking = new Map<string, Promise<string>>();
  const listeners: RegionRegistryListener[] = [];
  /** Registry changes one at a time, so the file always matches memory. */
  let changes: Promise<unknown> = Promise.resolve();
  const serially = <T>(change: () => Promise<T>): Promise<T> => {
    const next = changes.then(change, change);
    changes = next.catch(() => undefined);
    return next;
  };

  async function fetchContract(region: RegionEntry, timeoutMs: number): Promise<string> {
    const url = new URL(contractPath.slice(1), region.url);
    let body: Partial<RegionContract> | undefined;
    try {
      // A redirect is not followed: it is a region pointing the gateway at another host (answered as a non-2xx below).
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
      // Read with a byte cap: a region's answer is input, and an endless one must not hold the gateway's memory.
      body = response.ok
        ? ((await readCappedText(response, maxContractBytes).then(({ text }) => parseBoundedJson(text)).catch(() => undefined)) as Partial<RegionContract> | undefined)
        : (await response.body?.cancel().catch(() => undefined), undefined);
      if (!body) throw new ContractRefusedError('CONTRACT_UNAVAILABLE', `Region ${region.code} answered HTTP ${response.status} at ${contractPath} without a contract.`);
    } catch (error) {
      if (error instanceof ContractRefusedError) throw error;
      const reason = (error as Error).name === 'TimeoutError' ? `did not answer within ${timeoutMs} ms` : 'could not be reached';
      throw new ContractRefusedError('CONTRACT_UNAVAILABLE', `Region ${region.code}'s contract ${reason}.`);
    }
    if (typeof body.sdl !== 'string' || body.region !== region.code) {
      throw new ContractRefusedError('CONTRACT_UNAVAILABLE', `Region ${region.code} answered ${contractPath} without its SDL, or for another region.`);
    }
    const problems = contractProblems(pinned.sdl, body.sdl).slice(0, 20);
    if (problems.length > 0) {
      throw new ContractRefusedError(
        'CONTRACT_INCOMPATIBLE',
        `Region ${region.code} does not serve contract ${formatVersion(pinned.version)}: ${problems.join('; ')}.`,
        problems,
      );
    }
    return formatVersion(contractVersionOf(body.sdl)!);
  }

  function verify(region: RegionEntry, { recheck = false, timeoutMs = contractTimeoutMs }: { recheck?: boolean; timeoutMs?: number } = {}): Promise<string> {
    if (!recheck && verified.get(region.code) === region.url) return Promise.resolve('verified');
    const key = `${region.code} ${region.url}`;
    let check = checking.get(key);
    if (!check) {
      check = fetchContract(region, timeoutMs)
        .then(
          (version) => {
            if (entries.get(region.code)?.url === region.url) verified.set(region.code, region.url);
            return version;
          },
          (error: unknown) => {
            if (error instanceof ContractRefusedError && error.code === 'CONTRACT_INCOMPATIBLE' && verified.get(region.code) === region.url) verified.delete(region.code);
            throw error;
          },
        )
        .finally(() => checking.delete(key));
      checking.set(key, check);
    }
    return check;
  }

  const persist = () => (file ? writeRegionFile(file, [...stored.values()]) : Promise.resolve());

  return {
    list: () => [...entries.values()],
    get: (code) => entries.get(code),
    fileEntries: () => [...stored.values()],
    isVerified: (code) => verified.get(code) === entries.get(code)?.url,
    verify,
    register(entry) {
      const region = resolveRegionEntry(entry, env);
      return serially(async () => {
        const contractVersion = await fetchContract(region, contractTimeoutMs);
        const replaced = stored.has(entry.code);
        const previous = stored.get(entry.code);
        stored.set(entry.code, entry);
        try {
          await persist();
        } catch (error) {
          if (previous) stored.set(entry.code, previous);
          else stored.delete(entry.code);
          throw error;
        }
        entries.set(region.code, region);
        verified.set(region.code, region.url);
        for (const listener of listeners) listener.added(region);
        return { region, contractVersion, replaced };
      });
    },
    remove(code) {
      return serially(async () => {
        const previous = stored.get(code);
        if (!previous) return false;
        stored.delete(code);
        try {
          await persist();
        } catch (error) {
          stored.set(code, previous);
          throw error;
        }
        entries.delete(code);
        verified.delete(code);
        for (const listener of listeners) await listener.removed(code);
        return true;
      });
    },
    verifierOf(code) {
      const region = entries.get(code);
      if (!region || (!region.webhookSecret && !region.webhookPublicKey)) return undefined;
      return { ...(region.webhookSecret ? { secret: region.webhookSecret } : {}), ...(region.webhookPublicKey ? { publicKey: region.webhookPublicKey } : {}) };
    },
    subscribe(listener) {
      listeners.push(listener);
    },
  };
}
