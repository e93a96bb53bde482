import { pickTranslation, type DatasetRecord } from '../../schema/datasetRecord.ts';
import { assessQuality } from './quality/assessQuality.ts';

/**
 * Resolvers for the `@shareable` Dataset fields, used by both the regions and
 * the catalogue: shareable fields must answer the same on either side, so
 * there is exactly one implementation. Fields not listed here resolve by the
 * default resolver straight from the record.
 */
export const datasetFieldResolvers = {
  title: (dataset: DatasetRecord, args: { lang?: string | null }) => pickTranslation(dataset.title, args.lang),
  titleTranslations: (dataset: DatasetRecord) => dataset.title,
  description: (dataset: DatasetRecord, args: { lang?: string | null }) =>
    pickTranslation(dataset.description, args.lang),
  descriptionTranslations: (dataset: DatasetRecord) => dataset.description,
  classification: (dataset: DatasetRecord) => ({
    tier: dataset.access.tier,
    personalData: dataset.access.personalData,
    securityLevel: dataset.access.securityLevel,
    residency: dataset.access.residency,
  }),
  quality: (dataset: DatasetRecord) => assessQuality(dataset),
};
