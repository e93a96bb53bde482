import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseArgs } from '../../../subgraphs/demo/convert/convertDataGov.ts';

const converter = fileURLToPath(new URL('../../../subgraphs/demo/convert/convertDataGov.ts', import.meta.url));

async function sourceFolder(...subfolders: string[]): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'wharf-convert-'));
  onTestFinished(() => rm(folder, { recursive: true, force: true }));
  for (const name of subfolders) await mkdir(join(folder, name));
  return folder;
}

describe('demo:convert source folder', () => {
  it('takes the folder that holds datagovsg/ and datagovmy/', async () => {
    const folder = await sourceFolder('datagovsg', 'datagovmy');
    expect(parseArgs([folder])).toEqual({ sourceDir: folder });
  });

  it('has no default folder', () => {
    expect(() => parseArgs([])).toThrow('no source folder given');
  });

  it('names what is missing', async () => {
    const folder = await sourceFolder('datagovsg');
    expect(() => parseArgs([folder])).toThrow(`${folder} has no datagovmy/`);
    expect(() => parseArgs([join(folder, 'nope')])).toThrow(`the source folder ${join(folder, 'nope')} does not exist`);
    expect(() => parseArgs(['--shared', folder])).toThrow('unknown option --shared');
  });

  it('exits 2 with the folder layout, leaving the demo untouched, when run without a folder', async () => {
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', converter], (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      });
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('npm run demo:convert -- <folder>: no source folder given.');
    expect(result.stderr).toContain('datagovsg/  datasets.json, collections.json and SOURCE.txt');
    expect(result.stderr).toContain('github.com/data-gov-my/datagovmy-meta');
  });
});
