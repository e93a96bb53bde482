import type { DatasetRecord, DistributionRecord } from '../../../schema/datasetRecord.ts';
import { dataThemes, fileTypeOf, licenceIri } from '../dcatVocabularies.ts';

/**
 * The data.europa.eu Metadata Quality Assessment (MQA) indicators, with the
 * MQA's dimensions and points (405 in all), evaluated statically on a
 * Wharf record: nothing here opens a network connection.
 *
 * Where the MQA measures something a static check cannot, the stand-in is
 * named in the indicator's label and in the README:
 * - "access URL" (50) and "download URL reachable" (30) are HTTP checks in
 *   the MQA; here a well-formed `http(s)` URL earns them, reachability is
 *   not tested.
 * - "DCAT-AP compliance" (30) is a SHACL validation in the MQA; here it is
 *   the DCAT-AP mandatory properties the export needs (title, description,
 *   an access URL on every distribution). The export itself is validated
 *   against the DCAT-AP 3.0.1 shapes in the test suite.
 * Distribution indicators are scored on the dataset's best distribution
 * (the one that earns the most distribution points).
 */

export const qualityDimensions = ['findability', 'accessibility', 'interoperability', 'reusability', 'contextuality'] as const;
export type QualityDimensionName = (typeof qualityDimensions)[number];

export interface QualityIndicator {
  /** Stable id (`keyword`, `downloadUrlReachable`). */
  id: string;
  dimension: QualityDimensionName;
  /** What is missing when the indicator fails, as `Dataset.quality` lists it. */
  label: string;
  points: number;
  /** The dataset-file field to fill in to earn it (`keywords`, `distributions[].downloadUrl`). */
  field: string;
  /** Evaluated per distribution (on the best one) rather than on the dataset. */
  perDistribution: boolean;
  passes(record: DatasetRecord, distribution: DistributionRecord | undefined): boolean;
}

const isWebUrl = (value: string | undefined) => value !== undefined && /^https?:\/\/[^\s/]+/i.test(value);
const typeOf = (distribution: DistributionRecord | undefined) => distribution && fileTypeOf(distribution.format, distribution.mediaType);

const dataset = (
  id: string,
  dimension: QualityDimensionName,
  points: number,
  label: string,
  field: string,
  passes: (record: DatasetRecord) => boolean,
): QualityIndicator => ({ id, dimension, points, label, field, perDistribution: false, passes: (record) => passes(record) });

const distribution = (
  id: string,
  dimension: QualityDimensionName,
  points: number,
  label: string,
  field: string,
  passes: (distribution: DistributionRecord) => boolean,
): QualityIndicator => ({
  id,
  dimension,
  points,
  label,
  field,
  perDistribution: true,
  passes: (_, item) => item !== undefined && passes(item),
});

/** Every indicator, in the MQA's order. Bit `i` of an assessment's mask is indicator `i`. */
export const qualityIndicators: readonly QualityIndicator[] = [
  dataset('keyword', 'findability', 30, 'keywords (dcat:keyword)', 'keywords', (record) => record.keywords.length > 0),
  dataset('theme', 'findability', 30, 'themes from the EU data-theme vocabulary (dcat:theme)', 'themes', (record) =>
    record.themes.some((code) => dataThemes[code] !== undefined),
  ),
  dataset('spatial', 'findability', 20, 'spatial coverage (dct:spatial)', 'spatial', (record) => record.spatial.length > 0),
  dataset('temporal', 'findability', 20, 'temporal coverage (dct:temporal)', 'temporal', (record) =>
    Boolean(record.temporal?.start ?? record.temporal?.end),
  ),
  distribution('accessUrl', 'accessibility', 50, 'access URL (dcat:accessURL; reachability not checked)', 'distributions[].accessUrl', (item) =>
    isWebUrl(item.accessUrl),
  ),
  distribution('downloadUrl', 'accessibility', 20, 'download URL (dcat:downloadURL)', 'distributions[].downloadUrl', (item) => item.downloadUrl !== undefined),
  distribution('downloadUrlReachable', 'accessibility', 30, 'download URL reachable (an http(s) URL; reachability not checked)', 'distributions[].downloadUrl', (item) =>
    isWebUrl(item.downloadUrl),
  ),
  distribution('format', 'interoperability', 20, 'format (dct:format)', 'distributions[].format', (item) => item.format !== undefined),
  distribution('mediaType', 'interoperability', 10, 'media type (dcat:mediaType)', 'distributions[].mediaType', (item) => item.mediaType !== undefined),
  distribution('formatVocabulary', 'interoperability', 10, 'format from the EU file-type vocabulary', 'distributions[].format', (item) => typeOf(item) !== undefined),
  distribution('nonProprietary', 'interoperability', 20, 'non-proprietary format', 'distributions[].format', (item) => typeOf(item)?.nonProprietary === true),
  distribution('machineReadable', 'interoperability', 20, 'machine-readable format', 'distributions[].format', (item) => typeOf(item)?.machineReadable === true),
  dataset('dcatApCompliance', 'interoperability', 30, 'DCAT-AP mandatory properties (title, description, access URLs)', 'title', (record) =>
    record.title.length > 0 && record.description.length > 0 && record.distributions.every((item) => isWebUrl(item.accessUrl)),
  ),
  dataset('license', 'reusability', 20, 'licence (dct:license)', 'license', (record) => record.license !== undefined),
  dataset('licenseVocabulary', 'reusability', 10, 'licence from the EU licence vocabulary', 'license', (record) =>
    record.license !== undefined && licenceIri(record.license) !== undefined,
  ),
  // Every Wharf dataset has an access tier (public by default), exported as dct:accessRights from the EU table.
  dataset('accessRights', 'reusability', 10, 'access rights (dct:accessRights)', 'access.tier', () => true),
  dataset('accessRightsVocabulary', 'reusability', 5, 'access rights from the EU access-right vocabulary', 'access.tier', () => true),
  dataset('contactPoint', 'reusability', 20, 'contact point (dcat:contactPoint)', 'contactPoint', (record) =>
    Boolean(record.contactPoint?.email ?? record.contactPoint?.url ?? record.contactPoint?.name),
  ),
  dataset('publisher', 'reusability', 10, 'publisher (dct:publisher)', 'publisher', (record) => record.publisher !== undefined),
  dataset('rights', 'contextuality', 5, 'rights (dct:rights)', 'rights', (record) => record.rights !== undefined),
  distribution('byteSize', 'contextuality', 5, 'file size (dcat:byteSize)', 'distributions[].byteSize', (item) => item.byteSize !== undefined),
  dataset('issued', 'contextuality', 5, 'date of issue (dct:issued)', 'issued', (record) => record.issued !== undefined),
  dataset('modified', 'contextuality', 5, 'modification date (dct:modified)', 'modified', (record) => record.modified !== undefined),
];

/** Points available in each dimension. */
export const dimensionMaxScores: Readonly<Record<QualityDimensionName, number>> = Object.fromEntries(
  qualityDimensions.map((dimension) => [
    dimension,
    qualityIndicators.filter((indicator) => indicator.dimension === dimension).reduce((sum, indicator) => sum + indicator.points, 0),
  ]),
) as Record<QualityDimensionName, number>;

/** 405: every indicator's points. */
export const qualityMaxScore = qualityIndicators.reduce((sum, indicator) => sum + indicator.points, 0);
