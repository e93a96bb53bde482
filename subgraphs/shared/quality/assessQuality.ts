import type { DatasetRecord, DistributionRecord } from '../../../schema/datasetRecord.ts';
import { dimensionMaxScores, qualityDimensions, qualityIndicators, qualityMaxScore, type QualityDimensionName } from './qualityIndicators.ts';

export type QualityBand = 'EXCELLENT' | 'GOOD' | 'SUFFICIENT' | 'BAD';

/** One dimension of an assessment, as `QualityDimension` in the contract. */
export interface QualityDimensionView {
  dimension: QualityDimensionName;
  score: number;
  maxScore: number;
  /** Labels of the indicators that failed, most points first. */
  missing: string[];
}

/** A dataset's quality, as `DatasetQuality` in the contract. */
export interface DatasetQualityView {
  score: number;
  maxScore: number;
  band: QualityBand;
  dimensions: QualityDimensionView[];
}

/** The MQA rating of a score out of 405: Excellent 351–405, Good 221–350, Sufficient 121–220, Bad 0–120. */
export function qualityBand(score: number): QualityBand {
  if (score >= 351) return 'EXCELLENT';
  if (score >= 221) return 'GOOD';
  if (score >= 121) return 'SUFFICIENT';
  return 'BAD';
}

const distributionIndicators = qualityIndicators.map((indicator, bit) => ({ indicator, bit })).filter(({ indicator }) => indicator.perDistribution);
const datasetIndicators = qualityIndicators.map((indicator, bit) => ({ indicator, bit })).filter(({ indicator }) => !indicator.perDistribution);

/** The distribution indicators `distribution` passes, as a mask, and their points. */
function distributionMask(record: DatasetRecord, distribution: DistributionRecord): { mask: number; points: number } {
  let mask = 0;
  let points = 0;
  for (const { indicator, bit } of distributionIndicators) {
    if (!indicator.passes(record, distribution)) continue;
    mask |= 1 << bit;
    points += indicator.points;
  }
  return { mask, points };
}

/**
 * Which indicators `record` passes, one bit per indicator in
 * `qualityIndicators` order. Compact enough for the search index to keep
 * one per dataset and aggregate a region without reading its records.
 */
export function qualityMask(record: DatasetRecord): number {
  let mask = 0;
  for (const { indicator, bit } of datasetIndicators) if (indicator.passes(record, undefined)) mask |= 1 << bit;
  let best = { mask: 0, points: -1 };
  for (const distribution of record.distributions) {
    const candidate = distributionMask(record, distribution);
    if (candidate.points > best.points) best = candidate;
  }
  return mask | best.mask;
}

/** The points a mask earns. */
export function scoreOfMask(mask: number): number {
  let score = 0;
  qualityIndicators.forEach((indicator, bit) => {
    if (mask & (1 << bit)) score += indicator.points;
  });
  return score;
}

/** The assessment a mask stands for, per dimension with what is missing. */
export function qualityView(mask: number): DatasetQualityView {
  const dimensions = qualityDimensions.map((dimension): QualityDimensionView => {
    let score = 0;
    const missing: { label: string; points: number }[] = [];
    qualityIndicators.forEach((indicator, bit) => {
      if (indicator.dimension !== dimension) return;
      if (mask & (1 << bit)) score += indicator.points;
      else missing.push(indicator);
    });
    missing.sort((a, b) => b.points - a.points);
    return { dimension, score, maxScore: dimensionMaxScores[dimension], missing: missing.map((item) => item.label) };
  });
  const score = dimensions.reduce((sum, dimension) => sum + dimension.score, 0);
  return { score, maxScore: qualityMaxScore, band: qualityBand(score), dimensions };
}

/** The MQA assessment of one dataset (see `qualityIndicators` for what is evaluated and how). */
export function assessQuality(record: DatasetRecord): DatasetQualityView {
  return qualityView(qualityMask(record));
}
