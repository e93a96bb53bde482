/**
 * `npm run bench:gateway -- [options]`: gateway throughput, side by side.
 *
 *   1. federation  graphql-gateways-benchmark's heavy query: Wharf's gateway
 *                  (no cache) vs stock @apollo/gateway over the same subgraphs.
 *   2. page        Wharf's catalogue search page over the five demo regions:
 *                  caches off (WHARF_CACHE=off) vs caches on and warm.
 *   3. hung        the same page with the gateway's Redis hung (SIGSTOP).
 *
 * Process layout (two cores): the subgraphs (or the demo regions) run in one
 * child process, each gateway in its own, and the load generator
 * (autocannon) here, so no gateway shares its event loop with its load or
 * its backends. Every response is checked against a reference answer before
 * it counts. Rounds alternate between the gateways of a workload. Every
 * child process is stopped at the end, on failure and on Ctrl+C.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createChildProcesses, repoRoot } from './createChildProcesses.ts';
import { federationWorkload } from './federationWorkload.ts';
import { searchPageWorkload } from './searchPageWorkload.ts';

const usage = `Usage: npm run bench:gateway -- [options]
  --workloads LIST       federation,page,hung (default: all three)
  --seconds N            length of each measured round (default 8)
  --rounds N             rounds per gateway, alternating (default 3)
  --warmup N             warm-up seconds per gateway before the rounds (default 4)
  --timeout N            seconds before a request counts as an error (default 30)
  --connections N        concurrent connections, workload 1 (default 20)
  --page-connections N   concurrent connections, workloads 2 and 3 (default 10)
  --subgraph-delay-ms N  delay in each benchmark subgraph response, as the original's SUBGRAPH_DELAY_MS (default 0)
  --pin                  pin each gateway to the last CPU and everything else to the others (taskset)`;

const { values } = parseArgs({
  options: {
    workloads: { type: 'string', default: 'federation,page,hung' },
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '4' },
    timeout: { type: 'string', default: '30' },
    connections: { type: 'string', default: '20' },
    'page-connections': { type: 'string', default: '10' },
    'subgraph-delay-ms': { type: 'string', default: '0' },
    pin: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const count = (name: keyof typeof values, min: number): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number of at least ${min}; got "${values[name]}".\n\n${usage}`);
    process.exit(2);
  }
  return value;
};
const known = ['federation', 'page', 'hung'];
const workloads = values.workloads!.split(',').map((name) => name.trim());
const unknown = workloads.filter((name) => !known.includes(name));
if (unknown.length > 0) {
  console.error(`--workloads: unknown ${unknown.map((name) => `"${name}"`).join(', ')}; choose from ${known.join(', ')}.\n\n${usage}`);
  process.exit(2);
}
const durationS = count('seconds', 1);
const rounds = count('rounds', 1);
const warmupS = count('warmup', 0);
const timeoutS = count('timeout', 1);
const connections = count('connections', 1);
const pageConnections = count('page-connections', 1);
const subgraphDelayMs = count('subgraph-delay-ms', 0);
const cpuCount = cpus().length;
const pinned = values.pin && cpuCount >= 2 ? { gateway: String(cpuCount - 1), rest: cpuCount === 2 ? '0' : `0-${cpuCount - 2}` } : undefined;

const startedAt = performance.now();
const log = (line: string) => console.error(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${line}`);
const packageVersion = (name: string) => {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
};
const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
console.log(
  [
    `## Gateway throughput (\`npm run bench:gateway -- ${process.argv.slice(2).join(' ')}\`)`.replace(' -- `', '`'),
    '',
    `Machine: ${cpuCount} cores (${cpuModel}), ${Math.round(totalmem() / 2 ** 30)} GB, load average ${loadavg().map((value) => value.toFixed(2)).join(' ')} at start; ` +
      `Node ${process.version}; ${['@graphql-hive/gateway-runtime', '@graphql-hive/router-runtime', '@apollo/gateway', '@apollo/server', '@apollo/subgraph', 'autocannon']
        .map((name) => `${name} ${packageVersion(name)}`)
        .join(', ')}.` + (pinned ? ` Gateways pinned to CPU ${pinned.gateway}, everything else to CPU ${pinned.rest}.` : ' No CPU pinning.'),
    '',
  ].join('\n'),
);

const processes = createChildProcesses();
const workDir = mkdtempSync(join(tmpdir(), 'wharf-bench-gateway-'));
let exitCode = 0;
try {
  if (workloads.includes('federation')) {
    const { markdown } = await federationWorkload({ processes, workDir, rounds, durationS, warmupS, connections, timeoutS, subgraphDelayMs, log, ...(pinned ? { cpus: pinned } : {}) });
    console.log(`### 1. graphql-gateways-benchmark, heavy query (${connections} connections, subgraph delay ${subgraphDelayMs} ms)\n\n${markdown}\n`);
  }
  if (workloads.includes('page') || workloads.includes('hung')) {
    const markdown = await searchPageWorkload({
      processes,
      workDir,
      rounds,
      durationS,
      warmupS,
      connections: pageConnections,
      timeoutS,
      page: workloads.includes('page'),
      hung: workloads.includes('hung'),
      log,
      ...(pinned ? { cpus: pinned } : {}),
    });
    console.log(markdown);
  }
} catch (error) {
  console.error(`\nThe benchmark failed: ${(error as Error).stack ?? error}`);
  exitCode = 1;
} finally {
  await processes.stopAll();
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(exitCode);
