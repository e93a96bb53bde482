import { LRUCache } from 'lru-cache';
import * as cedar from './cedar.ts';
import { policyFingerprint, type Consumer } from '../../../schema/consumer.ts';
import type { AccessAttributes } from '../../../schema/datasetRecord.ts';
import { accessSchemaText, type RegionPolicies } from './loadRegionPolicies.ts';

export type AccessAction = 'discover' | 'read';
export type RequirementKind = 'AUTHENTICATION' | 'ROLE' | 'PURPOSE' | 'DESTINATION' | 'MECHANISM' | 'NOT_PERMITTED';

export interface AccessRequirement {
  kind: RequirementKind;
  /** Any one of these satisfies the requirement (empty for AUTHENTICATION and NOT_PERMITTED). */
  anyOf: string[];
  reason: string;
  /** The policy that asks for it, when one does. */
  policy?: string;
}

export interface AccessDecision {
  decision: 'ALLOW' | 'CONDITIONAL' | 'DENY';
  /** The policies that decided: the permits that allowed, or the forbids that denied (none for a default deny). */
  policies: string[];
  /** For a deny: what the consumer would need. */
  missing: AccessRequirement[];
  /** For an allow: the conditions that come with it (the decision is CONDITIONAL when there are any). */
  obligations: string[];
  /** The purpose the decision was made for ("" when none). */
  purpose: string;
}

/** What one dataset is to the policies: its region and access attributes. */
export type DatasetAccess = AccessAttributes & { region: string };

export interface AccessEvaluator {
  readonly region: string;
  readonly version: string;
  /** Bytes the memo of decisions holds now (estimated), within `memoBytes`. */
  readonly memoBytes: number;
  decide(consumer: Consumer, dataset: DatasetAccess, action: AccessAction, purpose?: string): AccessDecision;
}

export interface AccessEvaluatorOptions {
  /** Memoise decisions by (policy fingerprint, action, purpose, dataset attributes). @default true */
  memoize?: boolean;
  /**
   * Bytes the memo of decisions may hold (keys and decisions estimated),
   * least recently used first out. Purposes are validated before they are
   * decided on, so a key stays short; the bound holds whatever reaches it.
   * @default 33554432 (32 MiB)
   */
  memoBytes?: number;
}

const schemaName = 'wharf-access';

/** A decision's size in memory, roughly: its strings twice over (UTF-16) plus the objects around them. */
function decisionBytes(decision: AccessDecision): number {
  let bytes = 200 + 2 * decision.purpose.length;
  for (const text of decision.policies) bytes += 50 + 2 * text.length;
  for (const text of decision.obligations) bytes += 50 + 2 * text.length;
  for (const requirement of decision.missing) bytes += 100 + 2 * requirement.reason.length + requirement.anyOf.reduce((sum, option) => sum + 50 + 2 * option.length, 0);
  return bytes;
}
let schemaPrepared = false;

/** The ISO 3166-1 part of a jurisdiction code (`CN-GX` → `CN`). */
export const countryOf = (code: string) => code.split('-')[0] ?? code;

const consumerUid = { type: 'Wharf::Consumer', id: 'consumer' };
const datasetUid = { type: 'Wharf::Dataset', id: 'dataset' };

function entities(consumer: Consumer, dataset: DatasetAccess): cedar.EntityJson[] {
  return [
    {
      uid: consumerUid,
      attrs: {
        authenticated: consumer.authenticated,
        org: consumer.org,
        jurisdiction: consumer.jurisdiction,
        country: countryOf(consumer.jurisdiction),
        roles: consumer.roles,
        mechanisms: consumer.mechanisms,
      },
      parents: [],
    },
    {
      uid: datasetUid,
      attrs: {
        region: dataset.region,
        residency: dataset.residency,
        country: countryOf(dataset.residency),
        tier: dataset.tier,
        personalData: dataset.personalData,
        securityLevel: dataset.securityLevel,
        allowedPurposes: dataset.allowedPurposes,
        allowedDestinations: dataset.allowedDestinations,
        readerRoles: dataset.readerRoles,
      },
      parents: [],
    },
  ];
}

/**
 * Decides with one region's Cedar policies: deny overrides allow, default
 * deny, and every decision names the policies that made it. A deny lists
 * what is missing, from the annotations of the forbids that decided it, or —
 * when no permit applied — by asking the permits what a signed-in consumer
 * with the dataset's reader roles would get. An evaluation error denies
 * (fail closed): Cedar skips an erroring policy, which for a forbid would
 * otherwise mean an allow.
 */
export function createAccessEvaluator(policies: RegionPolicies, options: AccessEvaluatorOptions = {}): AccessEvaluator {
  const { memoize = true, memoBytes = 32 * 1024 * 1024 } = options;
  if (!schemaPrepared) {
    const prepared = cedar.preparseSchema(schemaName, accessSchemaText);
    if (prepared.type === 'failure') throw new Error(`The Cedar schema does not parse: ${prepared.errors.map((error) => error.message).join('; ')}`);
    schemaPrepared = true;
  }
  const allId = `${policies.region}:${policies.version}`;
  const permitsId = `${allId}:permits`;
  const permitTexts = Object.fromEntries(Object.entries(policies.texts).filter(([id]) => policies.annotations.get(id)!.effect === 'permit'));
  for (const [id, texts] of [[allId, policies.texts], [permitsId, permitTexts]] as const) {
    const prepared = cedar.preparsePolicySet(id, { staticPolicies: texts });
    if (prepared.type === 'failure') throw new Error(`Region ${policies.region}'s policies do not parse: ${prepared.errors.map((error) => error.message).join('; ')}`);
  }
  const memo = new LRUCache<string, AccessDecision>({ maxSize: memoBytes, sizeCalculation: (decision, key) => 2 * key.length + decisionBytes(decision) });

  function evaluate(policySetId: string, consumer: Consumer, dataset: DatasetAccess, action: AccessAction, purpose: string): { allowed: boolean; reason: string[]; failed: boolean } {
    const destination = consumer.jurisdiction;
    const answer = cedar.statefulIsAuthorized({
      principal: consumerUid,
      action: { type: 'Wharf::Action', id: action },
      resource: datasetUid,
      context: { purpose, destination, crossBorder: !destination || countryOf(destination) !== countryOf(dataset.residency) },
      preparsedPolicySetId: policySetId,
      preparsedSchemaName: schemaName,
      validateRequest: true,
      entities: entities(consumer, dataset),
    });
    if (answer.type === 'failure' || answer.response.diagnostics.errors.length > 0) return { allowed: false, reason: [], failed: true };
    return { allowed: answer.response.decision === 'allow', reason: answer.response.diagnostics.reason, failed: false };
  }

  function missingWithoutPermit(consumer: Consumer, dataset: DatasetAccess, action: AccessAction, purpose: string): AccessRequirement[] {
    const signedIn = { ...consumer, authenticated: true };
    if (!consumer.authenticated && evaluate(permitsId, signedIn, dataset, action, purpose).allowed) {
      return [{ kind: 'AUTHENTICATION', anyOf: [], reason: 'Sign in: this dataset is not open to anonymous consumers.' }];
    }
    const withRoles = { ...signedIn, roles: [...new Set([...consumer.roles, ...dataset.readerRoles])] };
    if (dataset.readerRoles.length > 0 && evaluate(permitsId, withRoles, dataset, action, purpose).allowed) {
      return [
        ...(consumer.authenticated ? [] : [{ kind: 'AUTHENTICATION' as const, anyOf: [], reason: 'Sign in.' }]),
        { kind: 'ROLE', anyOf: dataset.readerRoles, reason: 'This dataset is restricted to consumers holding one of its reader roles.' },
      ];
    }
    return [{ kind: 'NOT_PERMITTED', anyOf: [], reason: `No policy of region ${policies.region} permits this consumer to ${action} this dataset.` }];
  }

  /** What a deciding forbid says is missing, from its annotations. */
  function requirementOf(id: string, dataset: DatasetAccess): AccessRequirement {
    const note = policies.annotations.get(id)!;
    const kind: RequirementKind =
      note.missing === 'mechanism' ? 'MECHANISM' : note.missing === 'purpose' ? 'PURPOSE' : note.missing === 'destination' ? 'DESTINATION' : 'NOT_PERMITTED';
    const anyOf = kind === 'MECHANISM' ? note.options : kind === 'PURPOSE' ? dataset.allowedPurposes : kind === 'DESTINATION' ? dataset.allowedDestinations : [];
    return { kind, anyOf, reason: note.reason, policy: id };
  }

  function decideUncached(consumer: Consumer, dataset: DatasetAccess, action: AccessAction, purpose: string): AccessDecision {
    const result = evaluate(allId, consumer, dataset, action, purpose);
    if (result.failed) {
      return { decision: 'DENY', policies: [], purpose, obligations: [], missing: [{ kind: 'NOT_PERMITTED', anyOf: [], reason: 'A policy could not be evaluated; access is denied until it is fixed.' }] };
    }
    if (result.allowed) {
      const obligations = new Set<string>(dataset.obligations);
      for (const id of result.reason) for (const obligation of policies.annotations.get(id)?.obligations ?? []) obligations.add(obligation);
      return { decision: obligations.size > 0 ? 'CONDITIONAL' : 'ALLOW', policies: result.reason, missing: [], obligations: [...obligations].sort(), purpose };
    }
    const missing: AccessRequirement[] = [];
    for (let i = 0; i < result.reason.length; i += 1) missing[missing.length] = requirementOf(result.reason[i]!, dataset);
    if (!evaluate(permitsId, consumer, dataset, action, purpose).allowed) {
      const more = missingWithoutPermit(consumer, dataset, action, purpose);
      for (let i = 0; i < more.length; i += 1) missing[missing.length] = more[i]!;
    }
    return { decision: 'DENY', policies: result.reason, missing, obligations: [], purpose };
  }

  return {
    region: policies.region,
    version: policies.version,
    get memoBytes() {
      return memo.calculatedSize;
    },
    decide(consumer, dataset, action, purpose) {
      const stated = purpose ?? consumer.purpose;
      if (!memoize) return decideUncached(consumer, dataset, action, stated);
      const key = `${policyFingerprint(consumer)}|${action}|${stated}|${JSON.stringify(dataset)}`;
      let decision = memo.get(key);
      if (!decision) {
        memo.set(key, (decision = decideUncached(consumer, dataset, action, stated)));
      }
      return decision;
    },
  };
}
