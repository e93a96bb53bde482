import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { alternateRounds, type Row } from './alternateRounds.ts';
import { composeBenchmarkSupergraph } from './benchmarkSubgraphs.ts';
import type { ChildProcesses } from './createChildProcesses.ts';
import { formatRows, summarise } from './formatRows.ts';
import { heavyQuery, heavyQueryAnswer } from './heavyQuery.ts';
import type { Page } from './loadRound.ts';

/** What every workload is run with. */
export interface WorkloadOptions {
  processes: ChildProcesses;
  /** A private scratch folder (supergraph, region lists, keys go there). */
  workDir: string;
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  /** Per-request timeout, in seconds. */
  timeoutS: number;
  /** CPU lists for `taskset` (gateway; everything else), when pinning. */
  cpus?: { gateway: string; rest: string };
  log: (line: string) => void;
}

export interface FederationWorkloadOptions extends WorkloadOptions {
  /** The original's `SUBGRAPH_DELAY_MS`. */
  subgraphDelayMs: number;
}

export const wharfLabel = 'Wharf (Hive runtime + Rust planner)';
export const apolloLabel = 'stock @apollo/gateway';

/**
 * Workload 1: graphql-gateways-benchmark's heavy query through Wharf's
 * gateway and through stock `@apollo/gateway`, both over the same subgraph
 * process, in alternating rounds. Returns the Markdown it printed.
 */
export async function federationWorkload(options: FederationWorkloadOptions): Promise<{ markdown: string; rows: Row[] }> {
  const { processes, log } = options;
  const subgraphs = await processes.spawn({
    name: 'benchmark subgraphs',
    command: process.execPath,
    args: ['--import', 'tsx', 'bench/gateway/main/subgraphs.ts', '--delay-ms', String(options.subgraphDelayMs)],
    ready: /^subgraphs at (\S+)/,
    ...(options.cpus ? { cpus: options.cpus.rest } : {}),
  });
  const supergraphFile = join(options.workDir, 'benchmark-supergraph.graphql');
  writeFileSync(supergraphFile, composeBenchmarkSupergraph(subgraphs.ready[1]!));
  const wharf = await processes.spawn({
    name: 'wharf gateway',
    command: process.execPath,
    args: ['bin/wharf.mjs', 'gateway', '--supergraph', supergraphFile, '--port', '0'],
    ready: /^Serving .* at (\S+)/,
    ...(options.cpus ? { cpus: options.cpus.gateway } : {}),
  });
  const apollo = await processes.spawn({
    name: 'apollo gateway',
    command: process.execPath,
    args: ['--import', 'tsx', 'bench/gateway/main/apolloGateway.ts', '--supergraph', supergraphFile],
    env: { APOLLO_TELEMETRY_DISABLED: '1' },
    ready: /^apollo gateway at (\S+)/,
    ...(options.cpus ? { cpus: options.cpus.gateway } : {}),
  });
  const expected = JSON.stringify(heavyQueryAnswer());
  const pages: Page[] = [{ body: JSON.stringify({ query: heavyQuery }), expected }];
  const targets = [
    { label: wharfLabel, url: wharf.ready[1]!, process: wharf },
    { label: apolloLabel, url: apollo.ready[1]!, process: apollo },
  ];
  // One correct answer from each before any load: a wrong port fails here, clearly.
  for (const target of targets) {
    const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: pages[0]!.body });
    const body = await response.text();
    if (body !== expected && !isDeepStrictEqual(JSON.parse(body) as unknown, heavyQueryAnswer())) {
      throw new Error(`${target.label} at ${target.url} does not answer the heavy query correctly:\n${body.slice(0, 500)}`);
    }
  }
  log(`Workload 1: subgraphs (pid ${subgraphs.pid}), Wharf (pid ${wharf.pid}), stock (pid ${apollo.pid}) ready`);
  log(`Workload 1: heavy query, ${options.connections} connections, ${options.rounds} × ${options.durationS} s per gateway after ${options.warmupS} s warm-up`);
  const rows = await alternateRounds(targets, {
    rounds: options.rounds,
    durationS: options.durationS,
    warmupS: options.warmupS,
    connections: options.connections,
    timeoutS: options.timeoutS,
    pages,
    picker: () => () => 0,
    backends: [subgraphs],
    log,
  });
  await apollo.stop();
  await wharf.stop();
  await subgraphs.stop();

  const ours = summarise(rows, wharfLabel);
  const stock = summarise(rows, apolloLabel);
  const ratio = ours.reqPerS / stock.reqPerS;
  const met = ratio >= 3 && ours.p99Ms <= stock.p99Ms && ours.failures === 0 && stock.failures === 0;
  const markdown = [
    formatRows(rows, { backendLabel: 'subgraphs' }),
    '',
    `Wharf / stock: **${ratio.toFixed(2)}×** requests/s (medians ${ours.reqPerS.toFixed(1)} vs ${stock.reqPerS.toFixed(1)}), ` +
      `p99 ${ours.p99Ms.toFixed(0)} vs ${stock.p99Ms.toFixed(0)} ms. Target ≥ 3× at equal or lower p99: **${met ? 'met' : 'missed'}**.`,
  ].join('\n');
  return { markdown, rows };
}
