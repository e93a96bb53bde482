import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runWharf, wharfBin } from './support/runWharf.ts';

const run = runWharf;

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

describe('wharf demo', () => {
  it('prints the endpoints, then on SIGTERM closes everything and exits 0', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [wharfBin, 'demo'], {
      env: { ...process.env, WHARF_PORT: '0', WHARF_REGION_PORT_BASE: '0', WHARF_HARVEST_INTERVAL_MS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // A failed assertion must not leave the demo running.
    onTestFinished(() => void child.kill('SIGKILL'));
    // Five regions (3,780 datasets) parsed and harvested: seconds on an idle machine, far more on a loaded one.
    await expect.poll(() => stdout, { timeout: 90_000, interval: 100 }).toContain('Press Ctrl+C to stop.');
    const graphqlUrl = /GraphQL endpoint\s+(\S+)/.exec(stdout)![1]!;
    for (const code of ['CN-GX', 'MO', 'VN', 'MY', 'SG']) expect(stdout).toMatch(new RegExp(`${code}\\s+http://127\\.0\\.0\\.1:\\d+/graphql`));
    const response = await fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ regions { code } }"}' });
    expect((await response.json()).data.regions).toHaveLength(5);

    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(fetch(graphqlUrl)).rejects.toThrow();
  }, 120_000);
});

describe('wharf keys, subgraph and gateway --regions', () => {
  it('runs a region and a gateway as separate processes that trust each other by key', async () => {
    const { spawn } = await import('node:child_process');
    const { cp } = await import('node:fs/promises');
    const dir = await mkdtemp(join(tmpdir(), 'wharf-split-'));
    const children: import('node:child_process').ChildProcess[] = [];
    const start = async (args: string[], ready: RegExp): Promise<string> => {
      const child = spawn(process.execPath, [wharfBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WHARF_HARVEST_INTERVAL_MS: '0' } });
      children.push(child);
      let out = '';
      child.stdout!.on('data', (chunk) => (out += chunk));
      child.stderr!.on('data', (chunk) => (out += chunk));
      await expect.poll(() => ready.test(out), { timeout: 30_000, interval: 100 }).toBe(true);
      return ready.exec(out)![1]!;
    };
    try {
      expect((await run('keys', '--out', join(dir, 'keys'))).code).toBe(0);
      await cp(fileURLToPath(new URL('fixtures/regions/MO', import.meta.url)), join(dir, 'MO'), { recursive: true });
      const regionUrl = await start(
        ['subgraph', '--region', 'MO', '--data', join(dir, 'MO'), '--gateway-key', join(dir, 'keys', 'gateway.pub.pem'), '--port', '0'],
        /datasets at (http:\/\/\S+\/graphql)/,
      );
      await writeFile(join(dir, 'regions.yaml'), `- { code: MO, name: Macao, url: "${regionUrl}" }\n`);
      const gatewayUrl = await start(['gateway', '--regions', join(dir, 'regions.yaml'), '--signing-key', join(dir, 'keys', 'gateway.pem'), '--port', '0'], /Wharf gateway at (\S+) /);
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ dataset(id: "MO:trade-balance") { id access { decision } distributions { format accessUrl } } }' }),
      });
      expect(await response.json()).toEqual({
        data: { dataset: { id: 'MO:trade-balance', access: { decision: 'ALLOW' }, distributions: [{ format: 'CSV', accessUrl: 'https://www.dsec.gov.mo/balance.csv' }] } },
      });
    } finally {
      for (const child of children) child.kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses to start a region on invalid data, with the report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wharf-bad-'));
    try {
      await writeFile(join(dir, 'broken.yaml'), 'language: en\n');
      const result = await run('subgraph', '--region', 'MO', '--data', dir, '--port', '0');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('nothing was loaded');
      expect(result.stderr).toContain('broken.yaml: title:');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
