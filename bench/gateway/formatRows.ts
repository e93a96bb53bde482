import type { Row } from './alternateRounds.ts';

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** The measured rows as a Markdown table (for the terminal and bench/RESULTS.md). */
export function formatRows(rows: readonly Row[], options: { backendLabel: string; withNote?: boolean }): string {
  const head = ['gateway', 'round', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU gateway', `CPU ${options.backendLabel}`, 'CPU load', ...(options.withNote ? ['caches'] : [])];
  const align = head.map((name, i) => (i === 0 || name === 'caches' ? '---' : '---:'));
  const lines = [`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`];
  for (const row of rows) {
    const cells = [
      row.label,
      String(row.round),
      fixed(row.correctPerS, 1),
      fixed(row.p50Ms, 1),
      fixed(row.p99Ms, 1),
      row.failures === 0 ? '0' : `**${row.failures}** of ${row.correct + row.failures}`,
      `${fixed(row.gatewayCpuPct, 0)}%`,
      `${fixed(row.backendCpuPct, 0)}%`,
      `${fixed(row.loadCpuPct, 0)}%`,
      ...(options.withNote ? [row.note] : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The median of the rows' values. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Median req/s and p99 of one target's rows. */
export function summarise(rows: readonly Row[], label: string): { reqPerS: number; p99Ms: number; failures: number } {
  const mine = rows.filter((row) => row.label === label);
  return {
    reqPerS: median(mine.map((row) => row.correctPerS)),
    p99Ms: median(mine.map((row) => row.p99Ms)),
    failures: mine.reduce((sum, row) => sum + row.failures, 0),
  };
}
