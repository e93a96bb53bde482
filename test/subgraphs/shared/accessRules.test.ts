import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { anonymousConsumer, type Consumer } from '../../../schema/consumer.ts';
import type { AccessAttributes } from '../../../schema/datasetRecord.ts';
import { createAccessEvaluator, type AccessEvaluator, type DatasetAccess } from '../../../subgraphs/shared/access/createAccessEvaluator.ts';
import { compileRegionPolicies, InvalidPoliciesError, loadRegionPolicies } from '../../../subgraphs/shared/access/loadRegionPolicies.ts';

const demoDir = fileURLToPath(new URL('../../../subgraphs/demo/', import.meta.url));
const evaluators = new Map<string, AccessEvaluator>();

beforeAll(async () => {
  for (const region of ['CN-GX', 'MO', 'VN', 'SG', 'MY']) {
    evaluators.set(region, createAccessEvaluator(await loadRegionPolicies(region, `${demoDir}${region}`)));
  }
});

const consumer = (fields: Partial<Consumer>): Consumer => ({ ...anonymousConsumer, subject: 'test', authenticated: true, org: 'org', roles: ['researcher'], ...fields });
const dataset = (region: string, fields: Partial<AccessAttributes>): DatasetAccess => ({
  region,
  tier: 'restricted',
  personalData: 'none',
  securityLevel: 'general',
  residency: region,
  allowedPurposes: [],
  allowedDestinations: [],
  readerRoles: ['researcher'],
  obligations: [],
  ...fields,
});
const read = (region: string, who: Consumer, what: DatasetAccess, purpose = '') => evaluators.get(region)!.decide(who, what, 'read', purpose);

describe('demo access rules', () => {
  it('keeps Chinese national core data in China, whatever the consumer holds', () => {
    const core = dataset('CN-GX', { securityLevel: 'core' });
    const abroad = read('CN-GX', consumer({ jurisdiction: 'MO', mechanisms: ['CN:cac-security-assessment', 'CN:pipl-standard-contract'] }), core);
    expect(abroad).toMatchObject({ decision: 'DENY', missing: [{ kind: 'NOT_PERMITTED', anyOf: [], policy: 'cn-gx-core-data-export' }] });
    expect(read('CN-GX', consumer({ jurisdiction: 'CN-GX' }), core).decision).not.toBe('DENY');
  });

  it('sends Chinese important data abroad only with a CAC security assessment', () => {
    const important = dataset('CN-GX', { securityLevel: 'important' });
    expect(read('CN-GX', consumer({ jurisdiction: 'SG', mechanisms: ['CN:pipl-standard-contract'] }), important)).toMatchObject({
      decision: 'DENY',
      policies: ['cn-gx-important-data-export'],
      missing: [{ kind: 'MECHANISM', anyOf: ['CN:cac-security-assessment'] }],
    });
    expect(read('CN-GX', consumer({ jurisdiction: 'SG', mechanisms: ['CN:cac-security-assessment'] }), important).decision).not.toBe('DENY');
  });

  it('refuses Guangxi personal data to Macao under the GBA standard contract and names the PIPL mechanisms', () => {
    const personal = dataset('CN-GX', { personalData: 'personal' });
    const gba = read('CN-GX', consumer({ jurisdiction: 'MO', mechanisms: ['CN:gba-standard-contract'] }), personal);
    expect(gba.decision).toBe('DENY');
    expect(gba.missing).toEqual([
      expect.objectContaining({ kind: 'MECHANISM', anyOf: ['CN:pipl-standard-contract', 'CN:cac-security-assessment', 'CN:pipl-certification'], policy: 'cn-gx-personal-information-export' }),
    ]);
    expect(gba.missing[0]!.reason).toMatch(/Greater Bay Area/);
    expect(read('CN-GX', consumer({ jurisdiction: 'MO', mechanisms: ['CN:pipl-standard-contract'] }), personal).decision).not.toBe('DENY');
    // Inside mainland China it is not a cross-border transfer.
    expect(read('CN-GX', consumer({ jurisdiction: 'CN-GD' }), personal).decision).not.toBe('DENY');
  });

  it('sends Vietnamese personal data abroad only with a filed transfer impact assessment', () => {
    const personal = dataset('VN', { personalData: 'sensitive' });
    expect(read('VN', consumer({ jurisdiction: 'SG', mechanisms: ['ASEAN:mcc'] }), personal)).toMatchObject({
      decision: 'DENY',
      missing: [{ kind: 'MECHANISM', anyOf: ['VN:transfer-impact-assessment'] }],
    });
    expect(read('VN', consumer({ jurisdiction: 'SG', mechanisms: ['VN:transfer-impact-assessment'] }), personal).decision).not.toBe('DENY');
  });

  it.each([
    ['SG', 'MY', ['MY:pdpa-s129-safeguards'], ['ASEAN:mcc']],
    ['MY', 'SG', ['SG:pdpa-transfer-contract'], ['ASEAN:mcc']],
    ['MY', 'TH', ['CN:pipl-standard-contract'], ['MY:pdpa-s129-safeguards']],
  ])('sends %s personal data to %s only under its own law\'s mechanisms', (region, destination, wrong, right) => {
    const personal = dataset(region, { personalData: 'personal' });
    const denied = read(region, consumer({ jurisdiction: destination, mechanisms: wrong }), personal);
    expect(denied.decision).toBe('DENY');
    expect(denied.missing[0]).toMatchObject({ kind: 'MECHANISM' });
    expect(denied.missing[0]!.anyOf).toContain(right[0]);
    expect(read(region, consumer({ jurisdiction: destination, mechanisms: right }), personal).decision).not.toBe('DENY');
  });

  it('asks for a stated purpose the dataset allows', () => {
    const limited = dataset('MO', { allowedPurposes: ['public-health', 'research'] });
    const who = consumer({ jurisdiction: 'MO' });
    expect(read('MO', who, limited, 'marketing')).toMatchObject({ decision: 'DENY', missing: [{ kind: 'PURPOSE', anyOf: ['public-health', 'research'] }] });
    expect(read('MO', who, limited, 'research').decision).not.toBe('DENY');
  });

  it('tells an anonymous consumer to sign in, and a signed-in one which role a restricted dataset needs', () => {
    const restricted = dataset('SG', { readerRoles: ['health-researcher'] });
    expect(read('SG', anonymousConsumer, dataset('SG', { tier: 'internal' })).missing).toEqual([expect.objectContaining({ kind: 'AUTHENTICATION' })]);
    expect(read('SG', consumer({ jurisdiction: 'SG', roles: [] }), restricted).missing).toEqual([
      expect.objectContaining({ kind: 'ROLE', anyOf: ['health-researcher'] }),
    ]);
  });

  it('makes a public read CONDITIONAL on the region\'s obligations and adds the dataset\'s own', () => {
    const open = read('SG', anonymousConsumer, dataset('SG', { tier: 'public', obligations: ['no-reidentification'] }));
    expect(open).toMatchObject({ decision: 'CONDITIONAL', policies: ['sg-read-public'], obligations: ['attribution', 'no-reidentification'] });
  });
});

describe('policy validation', () => {
  it('refuses a policy set with every problem reported: syntax, schema, annotations', () => {
    const files = {
      'a.cedar': '@id("x") @reason("r") permit (principal, action, resource) when { resource.colour == "red" };',
      'b.cedar': '@reason("no id") permit (principal, action, resource);',
      'c.cedar': '@id("f") @reason("r") forbid (principal, action, resource);',
      'd.cedar': 'permit (principal, action, resource) when {',
    };
    let error: unknown;
    try {
      compileRegionPolicies('MO', files);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidPoliciesError);
    const { problems, message } = error as InvalidPoliciesError;
    expect(message).toMatch(/^Region MO has invalid access policies; it will not start:/);
    expect(problems.some((problem) => problem.startsWith('b.cedar') && problem.includes('has no @id'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('c.cedar') && problem.includes('needs @missing'))).toBe(true);
    expect(problems.some((problem) => problem.startsWith('d.cedar'))).toBe(true);
  });

  it('refuses a policy that does not match the shared schema', () => {
    expect(() => compileRegionPolicies('MO', { 'a.cedar': '@id("x") @reason("r") permit (principal, action, resource) when { resource.colour == "red" };' })).toThrow(
      /colour/,
    );
  });
});
