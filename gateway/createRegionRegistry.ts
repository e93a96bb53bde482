import type { RegionEntry } from '../schema/regionEntry.ts';
import { contractPath, contractProblems, contractVersionOf, formatVersion, pinnedContract, type RegionContract } from '../schema/regionContract.ts';
import type { WebhookVerifier } from '../schema/harvestWebhook.ts';
import { isAllowedRegionHost, regionFileEntrySchema, resolveRegionEntry, writeRegionFile, type RegionFileEntry } from './readRegionEntries.ts';
import { parseBoundedJson } from '../subgraphs/shared/parseBoundedJson.ts';
import { readCappedText, ResponseTooLargeError } from '../subgraphs/shared/readCappedText.ts';
import type { RegistryChange, RegistryStore } from '../subgraphs/catalogue/durable/createRegistryStore.ts';

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

/** Why a registration was refused before anything was fetched: its host is not one `WHARF_REGION_HOSTS` allows. */
export class RegionHostNotAllowedError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    readonly host: string,
    readonly allowedHosts: readonly string[],
  ) {
    super(`url: the host ${host} is not one this gateway may register regions at; WHARF_REGION_HOSTS allows ${allowedHosts.join(', ')}.`);
    this.name = 'RegionHostNotAllowedError';
  }
}

/** Largest `/contract` answer read, in bytes: the contract's SDL is a few kilobytes. */
export const maxContractBytes = 1_048_576;

export interface RegionRegistryOptions {
  /** The regions at start (from `--regions` or the demo). */
  regions: readonly RegionEntry[];
  /** The same regions as the registry file writes them (secrets by variable name). @default `regions` without their secrets */
  fileEntries?: readonly RegionFileEntry[];
  /** Where registrations persist (`wharf gateway --regions <file>`); without it they live in memory only. */
  file?: string;
  /**
   * The registry in the catalogue's database, shared by every replica (see
   * `createRegistryStore`): registrations persist there instead of `file`,
   * and those made through another replica are taken as they appear.
   * `regions` must be what it loaded. @default none
   */
  store?: RegistryStore;
  /** Looks up `webhookSecretEnv` of regions registered at run time. @default process.env */
  env?: Record<string, string | undefined>;
  /** Longest wait for a region's `/contract`, in milliseconds. @default 5000 */
  contractTimeoutMs?: number;
  /** Hosts regions may be registered at at run time (`WHARF_REGION_HOSTS`, normalised); undefined allows any. */
  allowedHosts?: readonly string[];
  fetch?: typeof globalThis.fetch;
  /** Where the reason a region's contract could not be read goes (the answer to the caller never says). @default a JSON line on stderr */
  log?: (entry: { msg: string; region: string; url: string; reason: string }) => void;
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
  const { file, store, env = process.env, contractTimeoutMs = 5000, fetch = globalThis.fetch, allowedHosts } = options;
  const log = options.log ?? ((entry) => console.warn(JSON.stringify({ level: 'warn', ...entry })));
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

  /** Reads `region`'s `/contract`, or says why not (for the log only). */
  async function readContract(region: RegionEntry, timeoutMs: number): Promise<{ body: Partial<RegionContract> } | { reason: string }> {
    const url = new URL(contractPath.slice(1), region.url);
    try {
      // Never followed: a redirect could lead anywhere, past the host allow-list.
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { reason: `HTTP ${response.status}${response.headers.get('location') ? ' (a redirect, not followed)' : ''}` };
      }
      const text = await readCappedText(response, maxContractBytes).then(
        ({ text }) => text,
        (error: unknown) => {
          if (error instanceof ResponseTooLargeError) return undefined;
          throw error;
        },
      );
      if (text === undefined) return { reason: `an answer over ${maxContractBytes} bytes` };
      try {
        return { body: parseBoundedJson(text) as Partial<RegionContract> };
      } catch {
        return { reason: 'an answer that is not JSON' };
      }
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') return { reason: `no answer within ${timeoutMs} ms` };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { reason: `not reachable over HTTP (${cause?.code ?? cause?.message ?? (error as Error).message})` };
    }
  }

  /**
   * The region's contract version, or `ContractRefusedError`. Every way of
   * not getting a contract (refused, timed out, not HTTP, an error status,
   * not JSON, no SDL, another region's) is one `CONTRACT_UNAVAILABLE`
   * message, the same whatever the cause: the admin API must not tell a
   * closed port from a listening one, so it cannot map a network. The cause
   * goes to the log.
   */
  async function fetchContract(region: RegionEntry, timeoutMs: number): Promise<string> {
    const read = await readContract(region, timeoutMs);
    const body = 'body' in read ? read.body : undefined;
    const reason = 'reason' in read ? read.reason : typeof body?.sdl !== 'string' ? 'JSON without an "sdl" string' : body.region !== region.code ? `the contract of region ${String(body.region).slice(0, 20)}` : undefined;
    if (reason !== undefined) {
      log({ msg: 'region contract unavailable', region: region.code, url: region.url, reason });
      throw new ContractRefusedError(
        'CONTRACT_UNAVAILABLE',
        `Region ${region.code}'s contract could not be read: ${contractPath} beside its URL must answer within ${timeoutMs} ms with the region's contract as JSON. The gateway's log has the reason.`,
      );
    }
    const problems = contractProblems(pinned.sdl, body!.sdl!).slice(0, 20);
    if (problems.length > 0) {
      throw new ContractRefusedError(
        'CONTRACT_INCOMPATIBLE',
        `Region ${region.code} does not serve contract ${formatVersion(pinned.version)}: ${problems.join('; ')}.`,
        problems,
      );
    }
    return formatVersion(contractVersionOf(body!.sdl!)!);
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

  /** Persists a change: to the shared store (one entry), else to the file (all of them). */
  const persist = (change: { save: RegionFileEntry } | { remove: string }) => {
    if (store) return 'save' in change ? store.save(change.save) : store.remove(change.remove).then(() => undefined);
    return file ? writeRegionFile(file, [...stored.values()]) : Promise.resolve();
  };

  /** Takes changes another replica made in the shared store; an entry as this replica already has it changes nothing. */
  async function takeChanges(changes: readonly RegistryChange[]): Promise<void> {
    for (const change of changes) {
      const current = stored.get(change.code);
      if (change.entry === null) {
        if (!current) continue;
        stored.delete(change.code);
        entries.delete(change.code);
        verified.delete(change.code);
        for (const listener of listeners) await listener.removed(change.code);
        continue;
      }
      const parsed = regionFileEntrySchema.safeParse(change.entry);
      if (!parsed.success) {
        log({ msg: 'stored region entry refused', region: change.code, url: String(change.entry.url), reason: parsed.error.issues[0]?.message ?? 'invalid' });
        continue;
      }
      if (current && JSON.stringify(current) === JSON.stringify(parsed.data)) continue;
      const region = resolveRegionEntry(parsed.data, env);
      stored.set(region.code, parsed.data);
      entries.set(region.code, region);
      verified.delete(region.code);
      for (const listener of listeners) listener.added(region);
    }
  }
  store?.follow((changes) => serially(() => takeChanges(changes)));

  return {
    list: () => [...entries.values()],
    get: (code) => entries.get(code),
    fileEntries: () => [...stored.values()],
    isVerified: (code) => verified.get(code) === entries.get(code)?.url,
    verify,
    register(entry) {
      if (allowedHosts && !isAllowedRegionHost(entry.url, allowedHosts)) return Promise.reject(new RegionHostNotAllowedError(new URL(entry.url).hostname, allowedHosts));
      const region = resolveRegionEntry(entry, env);
      return serially(async () => {
        const started = Date.now();
        const contractVersion = await fetchContract(region, contractTimeoutMs).catch(async (error: unknown) => {
          // Slow or fast, a failure answers after the whole timeout: the time taken says no more than the message.
          if (error instanceof ContractRefusedError && error.code === 'CONTRACT_UNAVAILABLE') await sleep(started + contractTimeoutMs - Date.now());
          throw error;
        });
        const replaced = stored.has(entry.code);
        const previous = stored.get(entry.code);
        stored.set(entry.code, entry);
        try {
          await persist({ save: entry });
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
          await persist({ remove: code });
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
