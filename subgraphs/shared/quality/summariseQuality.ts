import { qualityBand, type QualityBand } from './assessQuality.ts';
import { dimensionMaxScores, qualityDimensions, qualityIndicators, qualityMaxScore, type QualityDimensionName } from './qualityIndicators.ts';

/** One thing a region could add, and what it would be worth (`QualityImprovement` in the catalogue contract). */
export interface QualityImprovement {
  indicator: string;
  dimension: QualityDimensionName;
  /** What is missing, as `Dataset.quality` lists it. */
  label: string;
  /** The dataset-file field to fill in. */
  field: string;
  /** Datasets that lack it. */
  datasets: number;
  /** Points the region's datasets would gain together. */
  pointsGained: number;
  /** How much the region's average score would rise. */
  averageGain: number;
}

/** A region's quality (`RegionQuality` in the catalogue contract). */
export interface RegionQualityView {
  datasetCount: number;
  /** Mean dataset score, rounded to one decimal; 0 for a region without datasets. */
  averageScore: number;
  maxScore: number;
  /** Band of the mean score. */
  band: QualityBand;
  dimensions: { dimension: QualityDimensionName; averageScore: number; maxScore: number }[];
  /** Every indicator some dataset misses, the largest gain first (ties by MQA order). */
  improvements: QualityImprovement[];
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;

/** Aggregates the quality masks (see `qualityMask`) of a region's datasets. */
export function summariseQuality(masks: Iterable<number>): RegionQualityView {
  const passed = new Array<number>(qualityIndicators.length).fill(0);
  let count = 0;
  for (const mask of masks) {
    count += 1;
    for (let bit = 0; bit < qualityIndicators.length; bit += 1) if (mask & (1 << bit)) passed[bit]! += 1;
  }
  const mean = (points: number) => (count === 0 ? 0 : points / count);
  const dimensionPoints = new Map<QualityDimensionName, number>(qualityDimensions.map((dimension) => [dimension, 0]));
  qualityIndicators.forEach((indicator, bit) => {
    dimensionPoints.set(indicator.dimension, dimensionPoints.get(indicator.dimension)! + passed[bit]! * indicator.points);
  });
  const total = [...dimensionPoints.values()].reduce((sum, points) => sum + points, 0);
  const improvements = qualityIndicators
    .map((indicator, bit) => {
      const datasets = count - passed[bit]!;
      return {
        indicator: indicator.id,
        dimension: indicator.dimension,
        label: indicator.label,
        field: indicator.field,
        datasets,
        pointsGained: datasets * indicator.points,
        averageGain: oneDecimal(mean(datasets * indicator.points)),
      };
    })
    .filter((improvement) => improvement.datasets > 0)
    // Array.prototype.sort is stable: equal gains keep the MQA order.
    .sort((a, b) => b.pointsGained - a.pointsGained);
  const averageScore = oneDecimal(mean(total));
  return {
    datasetCount: count,
    averageScore,
    maxScore: qualityMaxScore,
    band: qualityBand(Math.round(averageScore)),
    dimensions: qualityDimensions.map((dimension) => ({
      dimension,
      averageScore: oneDecimal(mean(dimensionPoints.get(dimension)!)),
      maxScore: dimensionMaxScores[dimension],
    })),
    improvements,
  };
}
