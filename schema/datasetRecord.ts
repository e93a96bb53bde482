import { createHash } from 'node:crypto';
import type { ColumnLineageRecord, DatasetFile } from './datasetFile.ts';
import { formatDatasetId } from './datasetId.ts';
import { isContactUrl, isTextOrWebUrl, isWebUrl, shownValue } from './webUrl.ts';

export interface LocalizedText {
  lang: string;
  value: string;
}

export interface DistributionRecord {
  title?: string;
  description?: string;
  format?: string;
  mediaType?: string;
  accessUrl: string;
  downloadUrl?: string;
  byteSize?: number;
}

/**
 * One edge of a dataset's lineage: the dataset it derives from. `upstream`
 * is a catalogue id, or `ol:<namespace>/<name>` for an input no region maps
 * (an external OpenLineage dataset).
 */
export interface LineageEdgeRecord {
  upstream: string;
  job?: string;
  /** When the run that produced the edge completed (ISO 8601); absent for declared edges. */
  runTime?: string;
  /** Column-level lineage from the run's `columnLineage` facet. */
  columns?: ColumnLineageRecord[];
}

/**
 * The id an unmapped OpenLineage dataset gets in lineage:
 * `ol:<namespace, URI-encoded>/<name>`. The namespace is encoded because it
 * often holds slashes itself (`s3://bucket`); the name is kept as it is.
 */
export const externalDatasetId = (namespace: string, name: string) => `ol:${encodeURIComponent(namespace)}/${name}`;

/** The OpenLineage namespace and name of an external id, or undefined for any other id. */
export function parseExternalDatasetId(id: string): { namespace: string; name: string } | undefined {
  if (!id.startsWith('ol:')) return undefined;
  const slash = id.indexOf('/', 3);
  if (slash < 0) return undefined;
  try {
    return { namespace: decodeURIComponent(id.slice(3, slash)), name: id.slice(slash + 1) };
  } catch {
    return undefined;
  }
}

/** The attributes access policies decide on; every field filled (defaults applied). */
export interface AccessAttributes {
  tier: 'public' | 'internal' | 'restricted' | 'confidential';
  personalData: 'none' | 'personal' | 'sensitive' | 'anonymised';
  securityLevel: 'general' | 'important' | 'core';
  residency: string;
  allowedPurposes: string[];
  allowedDestinations: string[];
  readerRoles: string[];
  obligations: string[];
}

/**
 * A dataset as every store serves it and the change feed carries it: the
 * dataset file normalised (ids prefixed, texts as ordered translations with
 * the own language first) plus its content revision.
 */
export interface DatasetRecord {
  id: string;
  region: string;
  identifier: string;
  /** Hash of the record's content: equal content, equal revision, on any replica. */
  revision: string;
  language: string;
  title: LocalizedText[];
  description: LocalizedText[];
  keywords: string[];
  themes: string[];
  publisher?: { name: string; url?: string };
  contactPoint?: { name?: string; email?: string; url?: string };
  license?: string;
  /** Rights the licence does not state (`dct:rights`). */
  rights?: string;
  spatial: string[];
  temporal?: { start?: string; end?: string };
  accrualPeriodicity?: string;
  landingPage?: string;
  issued?: string;
  modified?: string;
  distributions: DistributionRecord[];
  lineage: LineageEdgeRecord[];
  access: AccessAttributes;
  /** OpenLineage names of this dataset. */
  identifiers: { namespace: string; name: string }[];
}

function toTranslations(text: string | Record<string, string>, language: string): LocalizedText[] {
  if (typeof text === 'string') return [{ lang: language, value: text }];
  const entries = Object.entries(text).map(([lang, value]) => ({ lang, value }));
  // The own language first, so `[0]` is always the default text.
  return entries.sort((a, b) => Number(b.lang === language) - Number(a.lang === language));
}

/** Drops keys whose value is undefined, so records hash and compare by content only. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The revision of a record's content: the first 16 hex digits of its SHA-256. */
export function revisionOf(record: Omit<DatasetRecord, 'revision'>): string {
  return createHash('sha256').update(JSON.stringify(record)).digest('hex').slice(0, 16);
}

/** Normalises a valid dataset file of `region` whose identifier is `identifier`. */
export function toDatasetRecord(file: DatasetFile, region: string, identifier: string): DatasetRecord {
  const content = compact({
    id: formatDatasetId(region, identifier),
    region,
    identifier,
    language: file.language,
    title: toTranslations(file.title, file.language),
    description: toTranslations(file.description, file.language),
    keywords: file.keywords,
    themes: file.themes,
    publisher: file.publisher && compact(file.publisher),
    contactPoint: file.contactPoint && compact(file.contactPoint),
    license: file.license,
    rights: file.rights,
    spatial: file.spatial,
    temporal: file.temporal && compact(file.temporal),
    accrualPeriodicity: file.accrualPeriodicity,
    landingPage: file.landingPage,
    issued: file.issued,
    modified: file.modified,
    distributions: file.distributions.map((distribution) => compact(distribution)),
    lineage: file.lineage.map((edge) => compact(edge)),
    access: {
      tier: file.access?.tier ?? 'public',
      personalData: file.access?.personalData ?? 'none',
      securityLevel: file.access?.securityLevel ?? 'general',
      residency: file.access?.residency ?? region,
      allowedPurposes: file.access?.allowedPurposes ?? [],
      allowedDestinations: file.access?.allowedDestinations ?? [],
      readerRoles: file.access?.readerRoles ?? [],
      obligations: file.access?.obligations ?? [],
    },
    identifiers: file.identifiers ?? [],
  });
  return { ...content, revision: revisionOf(content) };
}

/** A URL field of a record that is not a link Wharf takes (see `schema/webUrl.ts`). */
export interface UnsafeUrl {
  /** Dotted path of the field (`distributions.0.accessUrl`). */
  field: string;
  value: string;
}

/**
 * Every URL-bearing field of `record` whose value is not one the dataset
 * file format accepts: distributions' access and download URLs, the landing
 * page and publisher URL (http(s) only), the contact URL (http(s) or
 * mailto:), licence and rights (text, or an http(s) URL). Stores fed by
 * anything other than validated files (an import into PostgreSQL, a
 * region's feed) check records with it.
 */
export function unsafeUrlsOf(record: Pick<DatasetRecord, 'distributions' | 'landingPage' | 'publisher' | 'contactPoint' | 'license' | 'rights'>): UnsafeUrl[] {
  const found: UnsafeUrl[] = [];
  const check = (field: string, value: unknown, accepts: (value: string) => boolean) => {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string' || !accepts(value)) found.push({ field, value: String(value) });
  };
  (record.distributions ?? []).forEach((distribution, i) => {
    check(`distributions.${i}.accessUrl`, distribution.accessUrl, isWebUrl);
    check(`distributions.${i}.downloadUrl`, distribution.downloadUrl, isWebUrl);
  });
  check('landingPage', record.landingPage, isWebUrl);
  check('publisher.url', record.publisher?.url, isWebUrl);
  check('contactPoint.url', record.contactPoint?.url, isContactUrl);
  check('license', record.license, isTextOrWebUrl);
  check('rights', record.rights, isTextOrWebUrl);
  return found;
}

/** Thrown when a write holds a record with a URL Wharf does not take; nothing of the write was kept. */
export class UnsafeUrlError extends Error {
  constructor(
    readonly region: string,
    readonly problems: readonly (UnsafeUrl & { id: string })[],
  ) {
    const shown = problems.slice(0, 10).map((problem) => `"${problem.id}" ${problem.field} ${shownValue(problem.value)}`);
    super(
      `Store of region ${region} refused ${shown.join(', ')}${problems.length > shown.length ? ` and ${problems.length - shown.length} more` : ''}: ` +
        'links must be http:// or https:// URLs (a contact may be mailto:); nothing of this write was kept.',
    );
    this.name = 'UnsafeUrlError';
  }
}

/** The text in `lang` when there is one, else the record's own-language text. */
export function pickTranslation(texts: LocalizedText[], lang?: string | null): string {
  const match = lang ? texts.find((text) => text.lang === lang) : undefined;
  return (match ?? texts[0])?.value ?? '';
}
