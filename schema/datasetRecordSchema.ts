import { z } from 'zod';
import { accessFileSchema, datasetFileSchema, datasetIdPattern, distributionFileSchema, identifierPattern } from './datasetFile.ts';
import { regionCodePattern } from './datasetId.ts';

/**
 * How large each part of a dataset record may be. Far above every real
 * record (the demo catalogues' largest description is about 8,000
 * characters, their largest record under 10 kB), and low enough that one
 * record can neither hold the catalogue's memory nor slow a search that
 * highlights it.
 */
export const datasetRecordLimits = {
  /** Characters in one translation of a title. */
  maxTitleLength: 1_000,
  /** Characters in one translation of a description. */
  maxDescriptionLength: 65_536,
  /** Characters in any other text: a keyword, a name, a URL, a job, a column. */
  maxTextLength: 2_048,
  /** Entries in any list: translations, keywords, distributions, lineage edges, columns. */
  maxListLength: 1_000,
  /** Bytes of the whole record as JSON. */
  maxRecordBytes: 1_048_576,
} as const;

const { maxTitleLength, maxDescriptionLength, maxTextLength, maxListLength } = datasetRecordLimits;

const text = z.string().max(maxTextLength, `must be at most ${maxTextLength} characters`);
const nonEmptyText = text.trim().min(1, 'must not be empty');
const list = <T extends z.ZodType>(item: T) => z.array(item).max(maxListLength, `must have at most ${maxListLength} entries`);
/**
 * An absolute http(s) URL, as in a dataset file (`schema/webUrl.ts`):
 * harvested records come from regions the catalogue does not control, and
 * a link a browser would run or read locally never reaches a page.
 */
const url = distributionFileSchema.shape.accessUrl.max(maxTextLength, `must be at most ${maxTextLength} characters`);
const isoDate = datasetFileSchema.shape.modified.unwrap();
const languageCode = datasetFileSchema.shape.language.max(64, 'must be at most 64 characters');

const translations = (maxLength: number) =>
  list(z.object({ lang: languageCode, value: z.string().max(maxLength, `must be at most ${maxLength} characters`).trim().min(1, 'must not be empty') }))
    .min(1, 'must give the text in at least one language');

/** An upstream of a lineage edge: a catalogue id, or `ol:<namespace>/<name>` for an input no region maps. */
const upstreamId = z
  .string()
  .max(maxTextLength, `must be at most ${maxTextLength} characters`)
  .refine((id) => datasetIdPattern.test(id) || /^ol:[^/]+\/.+$/.test(id), 'must be a catalogue id such as "CN-GX:customs-imports-2024" or an OpenLineage id "ol:<namespace>/<name>"');

const lineageEdgeRecordSchema = z.object({
  upstream: upstreamId,
  job: text.optional(),
  runTime: isoDate.optional(),
  columns: list(z.object({ field: text, inputFields: list(z.object({ namespace: text, name: text, field: text })) })).optional(),
});

const token = accessFileSchema.shape.readerRoles.unwrap().element;
const jurisdiction = accessFileSchema.shape.allowedDestinations.unwrap().element;

/**
 * A `DatasetRecord` (`schema/datasetRecord.ts`) as a store serves it and the
 * change feed carries it, checked in full: the dataset file's rules
 * (`schema/datasetFile.ts`) on the normalised shape, every access attribute
 * filled in, and every text and list within `datasetRecordLimits`. Keys it
 * does not know are dropped (a later minor contract may add some), never
 * kept. The record's byte size is checked by whoever has its JSON.
 */
export const datasetRecordSchema = z.object({
  id: z.string().regex(datasetIdPattern, 'must be a catalogue id such as "CN-GX:customs-imports-2024"'),
  region: z.string().regex(regionCodePattern, 'must be a region code such as "MO" or "CN-GX"'),
  identifier: z.string().regex(identifierPattern, 'must be letters, digits, ".", "_", "~" or "-", starting with a letter or digit'),
  revision: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a revision hash such as "3f2a9c0b1d4e5f60"'),
  language: languageCode,
  title: translations(maxTitleLength),
  description: translations(maxDescriptionLength),
  keywords: list(nonEmptyText),
  themes: list(datasetFileSchema.shape.themes.unwrap().element),
  publisher: z.object({ name: nonEmptyText, url: url.optional() }).optional(),
  contactPoint: z.object({ name: text.optional(), email: z.email('must be an e-mail address').max(maxTextLength).optional(), url: url.optional() }).optional(),
  license: nonEmptyText.optional(),
  rights: nonEmptyText.optional(),
  spatial: list(nonEmptyText),
  temporal: z.object({ start: isoDate.optional(), end: isoDate.optional() }).optional(),
  accrualPeriodicity: text.optional(),
  landingPage: url.optional(),
  issued: isoDate.optional(),
  modified: isoDate.optional(),
  distributions: list(
    z.object({
      title: text.optional(),
      description: z.string().max(maxDescriptionLength, `must be at most ${maxDescriptionLength} characters`).optional(),
      format: text.optional(),
      mediaType: distributionFileSchema.shape.mediaType.unwrap().max(255, 'must be at most 255 characters').optional(),
      accessUrl: url,
      downloadUrl: url.optional(),
      byteSize: z.number().int().nonnegative().optional(),
    }),
  ),
  lineage: list(lineageEdgeRecordSchema),
  access: z.object({
    tier: accessFileSchema.shape.tier.unwrap(),
    personalData: accessFileSchema.shape.personalData.unwrap(),
    securityLevel: accessFileSchema.shape.securityLevel.unwrap(),
    residency: jurisdiction,
    allowedPurposes: list(token),
    allowedDestinations: list(jurisdiction),
    readerRoles: list(token),
    obligations: list(token),
  }),
  identifiers: list(z.object({ namespace: nonEmptyText, name: nonEmptyText })),
});

/** The first problems of a record that fails `datasetRecordSchema`, as `path: reason`. */
export function datasetRecordProblems(error: z.ZodError, max = 3): string[] {
  return error.issues.slice(0, max).map((issue) => `${issue.path.map(String).join('.') || '(record)'}: ${issue.message}`);
}
