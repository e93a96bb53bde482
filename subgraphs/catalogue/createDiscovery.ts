import { policyFingerprint, type Consumer } from '../../schema/consumer.ts';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import { createAccessEvaluator, type AccessEvaluator } from '../shared/access/createAccessEvaluator.ts';
import type { RegionPolicies } from '../shared/access/loadRegionPolicies.ts';
import type { CatalogueIndex } from './createCatalogueIndex.ts';
import type { Bitset } from './search/bitset.ts';

/** Consumers' discoverable sets kept, by policy fingerprint. */
const cachedConsumers = 256;

export interface Discovery {
  /** Takes a region's (validated) policies; its discover rules apply from the next search. */
  setPolicies(policies: RegionPolicies): void;
  policyVersion(region: string): string | undefined;
  /** Every region's policy version, in one string that changes when any of them does. */
  policyVersions(): string;
  /** Whether the consumer may discover the dataset; false for a region whose policies are unknown (fail closed). */
  canDiscover(consumer: Consumer, record: DatasetRecord): boolean;
  /** The same for a dataset of the index, by id, from the consumer's discoverable set; false for an id not held. */
  canDiscoverId(consumer: Consumer, id: string): boolean;
  /** Every dataset the consumer may discover, as a document set of the index. */
  discoverable(consumer: Consumer): Bitset;
}

export interface DiscoveryOptions {
  /** Keep each consumer's discoverable set. Off only to prove the cache changes nothing. @default true */
  cache?: boolean;
  /** Memoise single decisions (see `AccessEvaluatorOptions.memoize`). @default true */
  memoize?: boolean;
}

/**
 * Discoverability inside the catalogue: each region's own Cedar `discover`
 * rules, harvested from the region, applied to the index by access group
 * (one decision per distinct region + access attributes, not per dataset),
 * cached per consumer fingerprint, index version and policy versions.
 */
export function createDiscovery(index: CatalogueIndex, options: DiscoveryOptions = {}): Discovery {
  const cache = options.cache ?? true;
  const memoize = options.memoize ?? true;
  const evaluators = new Map<string, AccessEvaluator>();
  const sets = new Map<string, Bitset>();
  let policyEpoch = 0;
  let versions = '';

  const allows = (consumer: Consumer, region: string, access: DatasetRecord['access']) => {
    const evaluator = evaluators.get(region);
    return evaluator !== undefined && evaluator.decide(consumer, { ...access, region }, 'discover').decision !== 'DENY';
  };

  return {
    setPolicies(policies) {
      if (evaluators.get(policies.region)?.version === policies.version) return;
      evaluators.set(policies.region, createAccessEvaluator(policies, { memoize }));
      policyEpoch += 1;
      versions = [...evaluators.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([region, evaluator]) => `${region}=${evaluator.version}`).join(',');
      sets.clear();
    },
    policyVersion: (region) => evaluators.get(region)?.version,
    policyVersions: () => versions,
    canDiscover: (consumer, record) => allows(consumer, record.region, record.access),
    canDiscoverId(consumer, id) {
      const doc = index.documentOf(id);
      return doc !== undefined && this.discoverable(consumer).has(doc);
    },
    discoverable(consumer) {
      const key = `${policyFingerprint(consumer)}|${index.version}|${policyEpoch}`;
      let set = cache ? sets.get(key) : undefined;
      if (!set) {
        set = index.documentsWhere(({ region, ...access }) => allows(consumer, region, access));
        if (cache) {
          if (sets.size >= cachedConsumers) sets.delete(sets.keys().next().value!);
          sets.set(key, set);
        }
      }
      return set;
    },
  };
}
