import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../gateway/loadConfig.ts';
import { codeFiles, defaultMismatches, defaultsDocumented, environmentMismatches, variablesDocumented, variablesReadByCode, variablesReadByScript, variablesReadByShell } from './environmentVariables.ts';
import { repositoryRoot } from './markdownLinks.ts';

const page = 'docs/configuration.md';

describe('docs/configuration.md and the environment the code reads', () => {
  const code = variablesReadByCode();
  const documented = variablesDocumented(readFileSync(join(repositoryRoot, page), 'utf8'));

  it('every variable the code reads is documented, and every documented one is read', () => {
    expect(environmentMismatches(code, documented, page)).toEqual([]);
  });

  it('every default the configuration loader gives is the one the page shows', () => {
    const loaderDefaults = Object.fromEntries(Object.entries(configSchema.shape).map(([name, schema]) => [name, schema.safeParse(undefined).data]));
    expect(defaultMismatches(loaderDefaults, defaultsDocumented(readFileSync(join(repositoryRoot, page), 'utf8')), page)).toEqual([]);
  });

  it('the scan sees every variable the configuration loader validates', () => {
    const missed = Object.keys(configSchema.shape).filter((name) => !code.names.has(name));
    expect(missed).toEqual([]);
  });

  it('the scan covers the CLI, the benchmarks, the shell scripts and test support', () => {
    expect(codeFiles()).toEqual(expect.arrayContaining(['bin/wharf.mjs', 'bin/cli.ts', 'bench/audit.sh', '.ci/run', 'test/support/realServers.ts']));
    expect(codeFiles().some((file) => file.includes('node_modules') || file.endsWith('.test.ts'))).toBe(false);
  });
});

describe('the environment scan itself', () => {
  it('reads every way TypeScript reads a variable', () => {
    const text = [
      "const a = process.env.WHARF_A ?? 'x';",
      "const b = process.env['WHARF_B'];",
      'const { WHARF_C, WHARF_D: d } = process.env;',
      'function f(env: Env) { return env.WHARF_E ?? env["WHARF_F"]; }',
      'export const configSchema = z.object({',
      '  WHARF_G: z.string(),',
      '  nested: z.object({ NOT_A_KEY: z.string() }),',
      '});',
    ].join('\n');
    expect(variablesReadByScript(text).map(({ name, line }) => `${name}@${line}`).sort()).toEqual(['WHARF_A@1', 'WHARF_B@2', 'WHARF_C@3', 'WHARF_D@3', 'WHARF_E@4', 'WHARF_F@4', 'WHARF_G@6'].sort());
  });

  it('reads ${NAME} in shell, but not what the script sets itself (a here-document sets nothing)', () => {
    const text = ['#!/usr/bin/env bash', 'usage() { cat <<EOF', '  WHARF_SUITE=/path npm run audit', 'EOF', '}', 'dir=${WHARF_SUITE:-}', 'export ROOT=${ROOT:-/tmp/x}', 'OWN=1', 'echo "${OWN}" "$PLAIN"', '# ${COMMENTED}'].join('\n');
    expect(variablesReadByShell(text).map(({ name }) => name)).toEqual(['WHARF_SUITE', 'ROOT']);
  });

  it('names the file and line of an undocumented variable, and the page line of an unread one', () => {
    const code = { names: new Map([['WHARF_NEW', [{ file: 'gateway/x.ts', line: 7 }]], ['WHARF_REGION_SECRET_MO', [{ file: 'bench/y.ts', line: 3 }]]]), prefixes: new Map([['WHARF_REGION_SECRET_', [{ file: 'gateway/z.ts', line: 1 }]]]) };
    const documented = new Map([['WHARF_OLD', 12], ['WHARF_REGION_SECRET_<NAME>', 13]]);
    expect(environmentMismatches(code, documented, page)).toEqual([
      'gateway/x.ts:7: reads WHARF_NEW, which docs/configuration.md does not document',
      'docs/configuration.md:12: documents WHARF_OLD, which no code reads',
    ]);
  });

  it('names the page line of a default that differs from the loader\'s', () => {
    const documented = defaultsDocumented(['| variable | default |', '| --- | --- |', '| `WHARF_PORT` | `4000` | x |', '| `WHARF_CACHE` | `off` | x |', '| `REDIS_URL` | — | x |'].join('\n'));
    expect(defaultMismatches({ WHARF_PORT: 4000, WHARF_CACHE: 'on', REDIS_URL: undefined }, documented, page)).toEqual([
      "docs/configuration.md:4: WHARF_CACHE's default is `off`, but the configuration loader's is `on`",
    ]);
  });
});
