import { z } from 'zod';
import { isContactUrl, isTextOrWebUrl, isWebUrl, urlSchemeOf } from './webUrl.ts';

/**
 * The dataset file format: what a regional team writes, one dataset per YAML
 * or JSON file. It is the input side of the region contract; `toDatasetRecord`
 * turns a valid file into the normalised record every store serves.
 */

/** Languages Wharf knows translations in. Others are accepted as BCP 47 codes. */
export const knownLanguages = ['en', 'zh', 'vi', 'ms', 'pt', 'th', 'id', 'ta'] as const;

const languageCode = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language code such as "en", "zh" or "pt-MO"');

/** `2024-05-01`, `2024-05`, `2024`, or a full ISO 8601 date-time with offset. */
const isoDate = z
  .string()
  .regex(
    /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/,
    'must be an ISO 8601 date such as "2024-05-01" or "2024-05-01T08:00:00+08:00"',
  );

/** A link people's browsers follow: http(s) only (see `schema/webUrl.ts`). */
const url = z.string().refine(isWebUrl, 'must be an absolute http:// or https:// URL such as "https://example.org/data.csv"');
/** Where a contact is reached: a web page, or a `mailto:` URL. */
const contactUrl = z.string().refine(isContactUrl, 'must be an absolute http:// or https:// URL, or a mailto: URL');
/** A licence or rights statement: prose, an identifier such as "CC-BY-4.0", or an http(s) URL; never a URL of another scheme. */
const textOrUrl = (schema: z.ZodString) =>
  schema.refine(isTextOrWebUrl, {
    error: (issue) => `must be text or an http:// or https:// URL; it reads as a ${urlSchemeOf(String(issue.input))} URL`,
  });

/** Local identifiers become the part after `REGION:` in catalogue ids. */
export const identifierPattern = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;

/** Catalogue id: region code, colon, identifier (`CN-GX:customs-imports-2024`). */
export const datasetIdPattern = /^([A-Z]{2}(?:-[A-Z0-9]{1,3})?):([A-Za-z0-9][A-Za-z0-9._~-]{0,127})$/;

/** A text in one language, or a map of language code to text. */
const localizedText = z.union([
  z.string().trim().min(1, 'must not be empty'),
  z
    .record(languageCode, z.string().trim().min(1, 'must not be empty'))
    .refine((value) => Object.keys(value).length > 0, 'must give the text in at least one language'),
]);

export const distributionFileSchema = z
  .object({
    title: z.string().optional(),
    description: z.string().optional(),
    format: z.string().optional(),
    mediaType: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be an IANA media type such as "text/csv"')
      .optional(),
    accessUrl: url,
    downloadUrl: url.optional(),
    byteSize: z.number().int().nonnegative().optional(),
  })
  .strict();

/** A column of the downstream dataset and the upstream columns it is computed from (OpenLineage `columnLineage`). */
export interface ColumnLineageRecord {
  field: string;
  inputFields: { namespace: string; name: string; field: string }[];
}

export const lineageEdgeFileSchema = z
  .object({
    upstream: z
      .string()
      .regex(datasetIdPattern, 'must be a catalogue id such as "CN-GX:customs-imports-2024"'),
    job: z.string().optional(),
  })
  .strict();

const jurisdictionCode = z
  .string()
  .regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166 code such as "MO" or "CN-GX"');
const token = z.string().regex(/^[a-z0-9][a-z0-9:._-]*$/, 'must be lower-case letters, digits, ":", ".", "_" or "-"');

/** The attributes access policies decide on (see schema/access.cedarschema). */
export const accessFileSchema = z
  .object({
    tier: z.enum(['public', 'internal', 'restricted', 'confidential']).default('public'),
    personalData: z.enum(['none', 'personal', 'sensitive', 'anonymised']).default('none'),
    securityLevel: z.enum(['general', 'important', 'core']).default('general'),
    /** Where the data resides; defaults to the region's code. */
    residency: jurisdictionCode.optional(),
    allowedPurposes: z.array(token).default([]),
    allowedDestinations: z.array(jurisdictionCode).default([]),
    readerRoles: z.array(token).default([]),
    obligations: z.array(token).default([]),
  })
  .strict();

export const datasetFileSchema = z
  .object({
    identifier: z
      .string()
      .regex(identifierPattern, 'must be letters, digits, ".", "_", "~" or "-", starting with a letter or digit')
      .optional(),
    language: languageCode,
    title: localizedText,
    description: localizedText,
    keywords: z.array(z.string().trim().min(1)).default([]),
    themes: z.array(z.string().regex(/^[A-Z_]{3,12}$/, 'must be a theme code such as "ECON" or "HEAL"')).default([]),
    publisher: z.object({ name: z.string().min(1), url: url.optional() }).strict().optional(),
    contactPoint: z
      .object({ name: z.string().optional(), email: z.string().email().optional(), url: contactUrl.optional() })
      .strict()
      .optional(),
    license: textOrUrl(z.string().min(1)).optional(),
    /** Rights the licence does not state, such as a copyright notice or terms of access (`dct:rights`): text or a URL. */
    rights: textOrUrl(z.string().trim().min(1)).optional(),
    spatial: z.array(z.string().min(1)).default([]),
    temporal: z.object({ start: isoDate.optional(), end: isoDate.optional() }).strict().optional(),
    accrualPeriodicity: z.string().optional(),
    landingPage: url.optional(),
    issued: isoDate.optional(),
    modified: isoDate.optional(),
    distributions: z.array(distributionFileSchema).default([]),
    lineage: z.array(lineageEdgeFileSchema).default([]),
    access: accessFileSchema.optional(),
    /** Names this dataset has in OpenLineage events (`namespace` + `name`), so ingested runs map to it. */
    identifiers: z.array(z.object({ namespace: z.string().min(1), name: z.string().min(1) }).strict()).optional(),
  })
  .strict();

export type DatasetFile = z.infer<typeof datasetFileSchema>;
