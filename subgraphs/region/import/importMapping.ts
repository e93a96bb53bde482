import { z } from 'zod';
import { identifierPattern } from '../../../schema/datasetFile.ts';
import { isContactUrl, isTextOrWebUrl, isWebUrl, shownValue, urlSchemeOf } from '../../../schema/webUrl.ts';

/**
 * What every importer produces and the helpers they share to map a source's
 * values into the dataset file format (`schema/datasetFile.ts`). Importers map
 * what they can and say what they dropped; the runner validates the result
 * against the file schema, so nothing invalid is ever written.
 */

/** One dataset as an importer mapped it, before validation. */
export interface MappedDataset {
  /** Where it came from, for the report: `file.json#2 (name)`. */
  source: string;
  /** Undefined when the source gives nothing usable; the dataset is then skipped. */
  identifier: string | undefined;
  /** A dataset file in the making; `datasetFileSchema` decides whether it is one. */
  file: Record<string, unknown>;
  /** Values that could not be mapped and were left out (the dataset is still taken). */
  notes: string[];
}

/** A source record that was not taken, and why. */
export interface SkippedDataset {
  source: string;
  reason: string;
}

/** What an importer made of one document. */
export interface ImporterResult {
  datasets: MappedDataset[];
  skipped: SkippedDataset[];
}

export interface ImporterContext {
  /** The file's name, for `source`. */
  file: string;
  /** Language of texts the source does not tag with one. */
  language: string;
}

/** Maps one parsed document (a JSON or YAML file) of a source format. */
export type Importer = (document: unknown, context: ImporterContext) => Promise<ImporterResult>;

/** The EU data-theme vocabulary's codes (`http://publications.europa.eu/resource/authority/data-theme/<CODE>`). */
export const euDataThemes = new Set(['AGRI', 'ECON', 'EDUC', 'ENER', 'ENVI', 'GOVE', 'HEAL', 'INTR', 'JUST', 'OP_DATPRO', 'REGI', 'SOCI', 'TECH', 'TRAN']);

const emailSchema = z.string().email();
const isoDatePattern = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;
const mediaTypePattern = /^[\w.+-]+\/[\w.+-]+$/;

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A trimmed, non-empty string, or undefined. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

/**
 * `value` when it is an http(s) URL, the only links the file format takes
 * (see `schema/webUrl.ts`). A value given in another form (`file:///etc/passwd`,
 * `javascript:…`, a relative path) is left out with a note naming `field`.
 */
export function webUrl(value: unknown, field: string, notes: string[]): string | undefined {
  const candidate = text(value);
  if (candidate === undefined || isWebUrl(candidate)) return candidate;
  notes.push(`${field} ${shownValue(candidate)} left out: not an http(s) URL`);
  return undefined;
}

/** `value` when it is an http(s) or `mailto:` URL, where a contact is reached; otherwise as `webUrl`. */
export function contactUrl(value: unknown, field: string, notes: string[]): string | undefined {
  const candidate = text(value);
  if (candidate === undefined || isContactUrl(candidate)) return candidate;
  notes.push(`${field} ${shownValue(candidate)} left out: not an http(s) or mailto: URL`);
  return undefined;
}

/** A licence or rights value: prose or an identifier as it is, a URL only when http(s) (else left out with a note). */
export function textOrWebUrl(value: unknown, field: string, notes: string[]): string | undefined {
  const candidate = text(value);
  if (candidate === undefined || isTextOrWebUrl(candidate)) return candidate;
  notes.push(`${field} ${shownValue(candidate)} left out: it reads as a ${urlSchemeOf(candidate)} URL, not as text or an http(s) URL`);
  return undefined;
}

/** `value` as an e-mail address (a `mailto:` prefix removed) when it is one. */
export const emailAddress = (value: unknown): string | undefined => {
  const candidate = text(value)?.replace(/^mailto:/i, '');
  return candidate && emailSchema.safeParse(candidate).success ? candidate : undefined;
};

/**
 * A date the file format accepts: ISO 8601 as it is (`2024`, `2024-05-01`,
 * `2024-05-01T08:00:00Z`), a space-separated date-time with its space made a
 * `T`, or anything `Date` parses, as an ISO instant. Undefined otherwise.
 */
export function isoDate(value: unknown): string | undefined {
  const candidate = text(value)?.replace(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})/, '$1T$2');
  if (!candidate) return undefined;
  if (isoDatePattern.test(candidate)) return candidate;
  const parsed = Date.parse(candidate);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

/** A media type without parameters (`text/csv; charset=utf-8` → `text/csv`), from an IANA IRI too. */
export function mediaType(value: unknown): string | undefined {
  const candidate = text(value)?.replace(/^https?:\/\/www\.iana\.org\/assignments\/media-types\//, '').split(';')[0]!.trim().toLowerCase();
  return candidate && mediaTypePattern.test(candidate) ? candidate : undefined;
}

/** The last path segment of an IRI (`…/file-type/CSV` → `CSV`), or the value itself when it is not one. */
export function lastSegment(value: string): string {
  const match = /[/#]([^/#]+)[/#]?$/.exec(value);
  return match ? decodeURIComponent(match[1]!) : value;
}

/**
 * A Wharf identifier from a source's: kept when already valid; from a URL or
 * DOI, its last path segment; otherwise every run of characters an identifier
 * may not hold becomes one `-`. Undefined when nothing usable is left.
 */
export function identifierOf(value: unknown): string | undefined {
  const candidate = text(value);
  if (!candidate) return undefined;
  if (identifierPattern.test(candidate)) return candidate;
  const source = /^[a-z][a-z0-9+.-]*:/i.test(candidate) ? iriName(candidate) : candidate;
  const slug = source.replace(/[^A-Za-z0-9._~-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 128).replace(/-+$/, '');
  return identifierPattern.test(slug) ? slug : undefined;
}

/**
 * The part of an IRI that names the thing: its last path segment, or its
 * fragment when the path has none. A fragment after a path is usually a
 * generic marker (`…/dataset/d4ce4e6e#dataset`), so the path wins.
 */
function iriName(iri: string): string {
  const [beforeFragment, fragment] = iri.split('#', 2) as [string, string | undefined];
  const path = beforeFragment.replace(/^[a-z][a-z0-9+.-]*:(\/\/[^/]*)?/i, '');
  const segments = path.split('/').filter(Boolean);
  const last = segments[segments.length - 1];
  return last ? decodeURIComponent(last) : (fragment ?? beforeFragment);
}

/**
 * Splits theme values into EU data-theme codes (given as a code or its IRI)
 * and the rest, which become keywords so nothing the publisher said is lost.
 */
export function splitThemes(values: readonly string[]): { themes: string[]; keywords: string[] } {
  const themes: string[] = [];
  const keywords: string[] = [];
  for (const value of values) {
    const code = lastSegment(value).toUpperCase();
    if (euDataThemes.has(code)) themes.push(code);
    else keywords.push(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? lastSegment(value) : value);
  }
  return { themes: [...new Set(themes)], keywords };
}

/** Distinct non-empty strings of `values`, in first-seen order. */
export const distinct = (values: Iterable<string | undefined>): string[] => [...new Set([...values].filter((value): value is string => !!value))];

/** `value` as an array: an array as is, a single value as one item, nothing as none. */
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);

/** A non-negative whole byte count, from a number or a numeric string. */
export function byteSize(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

/**
 * A file's text fields in the format's shape: one language's text as a plain
 * string, several as a map. `texts` maps language to text (empty ones dropped).
 */
export function localized(texts: Record<string, string | undefined>, language: string): string | Record<string, string> | undefined {
  const entries = Object.entries(texts).filter((entry): entry is [string, string] => !!text(entry[1]));
  if (entries.length === 0) return undefined;
  if (entries.length === 1 && entries[0]![0] === language) return entries[0]![1].trim();
  return Object.fromEntries(entries.map(([lang, value]) => [lang, value.trim()]));
}

/** Drops keys whose value is undefined or an empty array, so files stay small and stable. */
export function compactFile(file: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(file).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)));
}

export interface DistributionInput {
  title?: unknown;
  description?: unknown;
  format?: unknown;
  mediaType?: unknown;
  accessUrl?: unknown;
  downloadUrl?: unknown;
  byteSize?: unknown;
}

/**
 * A distribution of the file format, or undefined (with a note) when it has
 * no http(s) URL. DCAT-AP makes accessURL mandatory and says to repeat the
 * downloadURL there when only that is known.
 */
export function mapDistribution(input: DistributionInput, label: string, notes: string[]): Record<string, unknown> | undefined {
  const givenAccessUrl = text(input.accessUrl);
  const givenDownloadUrl = text(input.downloadUrl);
  const downloadUrl = isWebUrl(givenDownloadUrl) ? givenDownloadUrl : undefined;
  const accessUrl = isWebUrl(givenAccessUrl) ? givenAccessUrl : downloadUrl;
  const refused = [
    ...(givenAccessUrl && accessUrl !== givenAccessUrl ? [`access URL ${shownValue(givenAccessUrl)}`] : []),
    ...(givenDownloadUrl && !downloadUrl ? [`download URL ${shownValue(givenDownloadUrl)}`] : []),
  ];
  if (!accessUrl) {
    notes.push(
      refused.length > 0
        ? `distribution ${label} left out: its ${refused.join(' and its ')} ${refused.length === 1 ? 'is not an http(s) URL' : 'are not http(s) URLs'}`
        : `distribution ${label} left out: it has no absolute access or download URL`,
    );
    return undefined;
  }
  for (const field of refused) notes.push(`distribution ${label}: ${field} left out: not an http(s) URL`);
  const givenMediaType = text(input.mediaType);
  const media = mediaType(givenMediaType);
  if (givenMediaType && !media) notes.push(`distribution ${label}: media type "${givenMediaType}" left out: not an IANA media type`);
  const format = text(input.format);
  return compactFile({
    title: text(input.title),
    description: text(input.description),
    format: format && /^[a-z][a-z0-9+.-]*:\/\//i.test(format) ? lastSegment(format) : format,
    mediaType: media,
    accessUrl,
    downloadUrl,
    byteSize: byteSize(input.byteSize),
  });
}
