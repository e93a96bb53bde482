import type { Child } from './createChildProcesses.ts';
import { loadRound, type LoadRoundResult, type Page } from './loadRound.ts';

/** One server under load, measured in turn with the others. */
export interface Target {
  /** Row label, for example `Wharf (Hive runtime + Rust planner)`. */
  label: string;
  /** The GraphQL endpoint. */
  url: string;
  /** Its process, for its CPU time. */
  process: Child;
  /** Called before and after each round; its two answers make the round's `note` (cache counters, say). */
  observe?: () => Promise<unknown>;
  describe?: (before: unknown, after: unknown) => string;
}

export interface RoundsOptions {
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  /** Per-request timeout: a response later than this is an error. */
  timeoutS: number;
  pages: readonly Page[];
  /** A fresh page picker per round (seeded, so every target gets the same sequence). */
  picker: () => () => number;
  /** Processes whose CPU time each row also reports (the subgraphs, say). */
  backends: readonly Child[];
  /** Progress lines go here. */
  log: (line: string) => void;
}

export interface Row extends LoadRoundResult {
  label: string;
  /** 1-based; 0 for a warm-up. */
  round: number;
  /** CPU used during the round, in % of one core. */
  gatewayCpuPct: number;
  backendCpuPct: number;
  loadCpuPct: number;
  note: string;
}

/**
 * Waits until `children` are nearly idle (under 15% of a core over 300 ms),
 * at most `maxMs`: a slow gateway still works through the requests the last
 * round left in flight, which would otherwise run during the next round.
 */
export async function untilIdle(children: readonly Child[], maxMs = 30_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const before = children.map((child) => child.cpuSeconds());
    await new Promise((resolve) => setTimeout(resolve, 300));
    const busiest = Math.max(...children.map((child, i) => (child.cpuSeconds() - before[i]!) / 0.3));
    if (!(busiest >= 0.15)) return;
  }
}

async function measured(target: Target, options: RoundsOptions, round: number, durationS: number): Promise<Row> {
  await untilIdle([target.process, ...options.backends]);
  const before = await target.observe?.();
  const gatewayCpu = target.process.cpuSeconds();
  const backendCpu = options.backends.reduce((sum, child) => sum + child.cpuSeconds(), 0);
  const loadCpu = process.cpuUsage();
  const started = performance.now();
  const result = await loadRound({ url: target.url, connections: options.connections, durationS, pages: options.pages, pick: options.picker(), timeoutS: options.timeoutS });
  const wallS = (performance.now() - started) / 1000;
  const load = process.cpuUsage(loadCpu);
  const after = await target.observe?.();
  const pct = (seconds: number) => (100 * seconds) / wallS;
  return {
    ...result,
    label: target.label,
    round,
    gatewayCpuPct: pct(target.process.cpuSeconds() - gatewayCpu),
    backendCpuPct: pct(options.backends.reduce((sum, child) => sum + child.cpuSeconds(), 0) - backendCpu),
    loadCpuPct: pct((load.user + load.system) / 1e6),
    note: target.describe ? target.describe(before, after) : '',
  };
}

/**
 * Warms every target up, then runs `rounds` rounds in which each target is
 * loaded in turn (A B A B …), so drift on a shared machine lands on all of
 * them alike. Returns the measured rows (warm-ups are logged, not returned).
 */
export async function alternateRounds(targets: readonly Target[], options: RoundsOptions): Promise<Row[]> {
  if (options.warmupS > 0) {
    for (const target of targets) {
      const warm = await measured(target, options, 0, options.warmupS);
      options.log(`  warm-up ${target.label}: ${warm.correctPerS.toFixed(1)} req/s, ${warm.failures} failure(s)${warm.firstFailure ? ` — ${warm.firstFailure}` : ''}`);
    }
  }
  const rows: Row[] = [];
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const target of targets) {
      const row = await measured(target, options, round, options.durationS);
      rows.push(row);
      options.log(`  round ${round} ${target.label}: ${row.correctPerS.toFixed(1)} req/s, p99 ${row.p99Ms.toFixed(1)} ms, ${row.failures} failure(s)${row.firstFailure ? ` — ${row.firstFailure}` : ''}`);
    }
  }
  return rows;
}
