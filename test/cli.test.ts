import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const wharfBin = fileURLToPath(new URL('../bin/wharf.mjs', import.meta.url));
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [wharfBin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('wharf validate', () => {
  it('passes a valid folder', async () => {
    const result = await run('validate', fileURLToPath(new URL('fixtures/regions/MO', import.meta.url)));
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('2 dataset(s) of region MO') });
  });

  it('prints every problem with file, field and reason and exits 1', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'wharf-cli-'));
    try {
      await writeFile(join(folder, 'one.yaml'), 'language: en\ndescription: x\n');
      await writeFile(join(folder, 'two.yaml'), 'language: en\ntitle: T\ndescription: x\nmodified: last tuesday\n');
      const result = await run('validate', folder, '--region', 'SG');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${join(folder, 'one.yaml')}: title:`);
      expect(result.stderr).toContain(`${join(folder, 'two.yaml')}: modified: must be an ISO 8601 date`);
      expect(result.stderr).toContain('2 problem(s) in 2 file(s)');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('asks for --region when the folder name is not a region code', async () => {
    const result = await run('validate', tmpdir());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('name the region with --region');
  });
});

describe('wharf compose --check', () => {
  it('confirms the committed supergraph matches the contracts', async () => {
    expect(await run('compose', '--check')).toMatchObject({ code: 0, stdout: 'The supergraph matches the contracts.\n' });
  });
});
