import { describe, expect, it } from 'vitest';
import { contractProblems, contractVersionOf, pinnedContract } from '../../schema/regionContract.ts';

const { sdl: pinned } = pinnedContract();
const withVersion = (sdl: string, version: string) => sdl.replace(/^# wharf-contract: .*$/m, `# wharf-contract: ${version}`);

describe('regionContract', () => {
  it('reads the version line of the committed contract', () => {
    expect(contractVersionOf(pinned)).toEqual({ major: 1, minor: 1, patch: 0 });
  });

  it('accepts the pinned contract itself', () => {
    expect(contractProblems(pinned, pinned)).toEqual([]);
  });

  it('accepts additions when the major version is the same', () => {
    const added = `${withVersion(pinned, '1.2.0')}\nextend type Dataset { qualityScore: Float }\ntype QualityReport { score: Float! }\n`;
    expect(contractProblems(pinned, added)).toEqual([]);
  });

  it('refuses another major version, naming both', () => {
    expect(contractProblems(pinned, withVersion(pinned, '2.0.0'))).toEqual(['it serves contract 2.0.0; this gateway needs 1.x (1.1.0 or a later minor)']);
  });

  it('refuses an SDL without a version line', () => {
    expect(contractProblems(pinned, pinned.replace(/^# wharf-contract: .*$/m, '#'))).toEqual([
      'it declares no contract version (a first line "# wharf-contract: X.Y.Z")',
    ]);
  });

  it('refuses a removed field, a changed field type and a removed type when the version claims compatibility', () => {
    const changed = withVersion(pinned, '1.2.0')
      .replace(/\n\s*"""\s*How the data can be obtained[\s\S]*?"""\s*distributions: [^\n]*/, '\n')
      .replace(/\bmodified: String\b/, 'modified: Int');
    const problems = contractProblems(pinned, changed);
    expect(problems).toContain('Dataset.distributions is missing');
    expect(problems).toContain('Dataset.modified is Int, not String');
  });

  it('refuses a new required argument on an existing field', () => {
    const required = pinned.replace(/access\(([^)]*)\)/, 'access($1, reason: String!)');
    expect(required).not.toBe(pinned);
    expect(contractProblems(pinned, required)).toEqual(['Dataset.access(reason:) is a new required argument']);
  });
});
