import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `npm run bench:gateway -- <args>` as a user does; `onStderr` may act on the progress lines. */
function bench(args: string[], onStderr?: (text: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/gateway/run.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    onStderr?.(stderr, child);
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Every pid the progress lines name. */
const pidsIn = (stderr: string) => [...stderr.matchAll(/pid (\d+)/g)].map((match) => Number(match[1]));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Table rows of one gateway label: [label, round, req/s, p50, p99, errors, …]. */
const rowsOf = (stdout: string, label: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith(`| ${label} |`))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));

describe('npm run bench:gateway', () => {
  it('prints the heavy-query table for Wharf and stock @apollo/gateway with every response correct, and leaves no process behind', async () => {
    const { code, stdout, stderr } = await bench(['--workloads', 'federation', '--seconds', '1', '--rounds', '1', '--warmup', '0', '--connections', '2']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('### 1. graphql-gateways-benchmark, heavy query (2 connections, subgraph delay 0 ms)');
    for (const label of ['Wharf (Hive runtime + Rust planner)', 'stock @apollo/gateway']) {
      const rows = rowsOf(stdout, label);
      expect(rows.map((row) => [row[1], row[5]])).toEqual([['1', '0']]);
      expect(Number(rows[0]![2])).toBeGreaterThan(0);
    }
    expect(stdout).toMatch(/Wharf \/ stock: \*\*[\d.]+×\*\* requests\/s .* Target ≥ 3× at equal or lower p99: \*\*(met|missed)\*\*\./);
    const pids = pidsIn(stderr);
    expect(pids).toHaveLength(3);
    expect(pids.filter(alive)).toEqual([]);
  }, 180_000);

  it('stops every process it started and exits 130 when interrupted with SIGINT', async () => {
    let sent = false;
    const { code, stderr } = await bench(['--workloads', 'federation', '--seconds', '30', '--rounds', '1', '--warmup', '0', '--connections', '2'], (text, child) => {
      if (!sent && /Workload 1: heavy query/.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(sent).toBe(true);
    expect(code).toBe(130);
    const pids = pidsIn(stderr);
    expect(pids).toHaveLength(3);
    expect(pids.filter(alive)).toEqual([]);
  }, 180_000);

  it('prints the search page tables with caches off, warm and with Redis hung, every answer correct, and leaves no process behind', async () => {
    const { code, stdout, stderr } = await bench(['--workloads', 'page,hung', '--seconds', '1', '--rounds', '1', '--warmup', '1', '--page-connections', '2']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('### 2. Catalogue search page, 5 regions: caches off vs warm (2 connections)');
    expect(stdout).toContain('### 3. The same page with Redis hung (SIGSTOP; 2 connections)');
    for (const label of ['caches off (WHARF_CACHE=off)', 'caches on, warm', 'caches on, warm, Redis hung', 'new replica, Redis hung']) {
      const rows = rowsOf(stdout, label);
      expect(rows.map((row) => [row[1], row[5]])).toEqual([['1', '0']]);
      expect(Number(rows[0]![2])).toBeGreaterThan(0);
    }
    // Regions, Redis and three gateways.
    const pids = pidsIn(stderr);
    expect(new Set(pids).size).toBe(5);
    expect(pids.filter(alive)).toEqual([]);
  }, 300_000);
});
