import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { qualityBand, qualityMask, qualityView, type QualityBand } from '../../shared/quality/assessQuality.ts';
import { summariseQuality } from '../../shared/quality/summariseQuality.ts';

export interface QualityReportOptions {
  /** Shown in the heading (the folder read). */
  source: string;
  /** Lowest-scoring datasets listed. @default 5 */
  lowest?: number;
}

const bands: QualityBand[] = ['EXCELLENT', 'GOOD', 'SUFFICIENT', 'BAD'];
const fixed = (value: number) => value.toFixed(1);

/**
 * The `wharf quality` report of one region's datasets: the mean MQA score
 * and band, mean points per dimension, how many datasets fall in each band,
 * what to add first (each missing indicator by the points it would gain
 * across the region), and the lowest-scoring datasets with what they lack.
 */
export function formatQualityReport(region: string, records: readonly DatasetRecord[], options: QualityReportOptions): string {
  const masks = records.map(qualityMask);
  const summary = summariseQuality(masks);
  const scored = records.map((record, i) => ({ record, view: qualityView(masks[i]!) }));
  const lines = [
    `Metadata quality of region ${region}: ${summary.datasetCount} dataset(s) in ${options.source}`,
    `(data.europa.eu MQA dimensions and points, evaluated offline: URLs are not fetched)`,
    ``,
    `  average score     ${fixed(summary.averageScore).padStart(6)} / ${summary.maxScore}   ${summary.band}`,
    ...summary.dimensions.map((dimension) => `  ${dimension.dimension.padEnd(18)}${fixed(dimension.averageScore).padStart(6)} / ${dimension.maxScore}`),
    `  datasets by band  ${bands.map((band) => `${band} ${scored.filter(({ view }) => qualityBand(view.score) === band).length}`).join(' · ')}`,
    ``,
  ];
  if (summary.improvements.length === 0) {
    lines.push('Every dataset earns every point.');
    return lines.join('\n');
  }
  lines.push('What to add first (points gained across the region; average gain per dataset):');
  summary.improvements.forEach((improvement, i) => {
    const gain = `+${improvement.pointsGained}`.padStart(7);
    const average = `(+${fixed(improvement.averageGain)})`.padEnd(8);
    lines.push(
      `  ${String(i + 1).padStart(2)}. ${gain} ${average} ${improvement.label} — ${improvement.datasets} of ${summary.datasetCount} dataset(s) lack it; fill in \`${improvement.field}\``,
    );
  });
  const lowest = [...scored].sort((a, b) => a.view.score - b.view.score || a.record.id.localeCompare(b.record.id)).slice(0, options.lowest ?? 5);
  lines.push('', 'Lowest-scoring datasets:');
  for (const { record, view } of lowest) {
    const missing = view.dimensions.flatMap((dimension) => dimension.missing);
    lines.push(`  ${String(view.score).padStart(3)} ${view.band.padEnd(10)} ${record.id}${missing.length > 0 ? `  lacks: ${missing.join('; ')}` : ''}`);
  }
  return lines.join('\n');
}
