/**
 * Which RDF serialisation a DCAT-AP request gets: by a file extension on the
 * path (`/dcat.ttl`), which wins, else by the `Accept` header (RFC 9110
 * §12.5.1: the most specific matching range sets a format's quality; the
 * highest quality wins, ties go to the order of `rdfFormats`), else JSON-LD.
 * Shared by each region's `/dcat` and the gateway's federated one.
 */

export type RdfFormat = 'jsonld' | 'turtle' | 'rdfxml';

export interface RdfFormatInfo {
  /** The `Content-Type` an answer in this format is sent with. */
  contentType: string;
  /** Media types that ask for it, the first its canonical name. */
  mediaTypes: readonly string[];
  /** The path extension that asks for it, with its dot. */
  extension: string;
}

/** The formats served, in order of preference when an `Accept` header rates several alike. */
export const rdfFormats: Record<RdfFormat, RdfFormatInfo> = {
  jsonld: { contentType: 'application/ld+json; charset=utf-8', mediaTypes: ['application/ld+json', 'application/json'], extension: '.jsonld' },
  turtle: { contentType: 'text/turtle; charset=utf-8', mediaTypes: ['text/turtle', 'application/x-turtle'], extension: '.ttl' },
  rdfxml: { contentType: 'application/rdf+xml; charset=utf-8', mediaTypes: ['application/rdf+xml'], extension: '.rdf' },
};

const formatOrder = Object.keys(rdfFormats) as RdfFormat[];

/** Longest `Accept` header read, in characters; a longer one is refused rather than parsed. */
export const maxAcceptLength = 1024;
/** Characters of a refused `Accept` header quoted back in the message. */
const quotedAcceptLength = 80;

/** The negotiated format, or why none could be chosen (answered 406). */
export type Negotiation = { format: RdfFormat; byExtension: boolean } | { error: string };

/** RFC 9110 `token`. */
const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const mediaRangePattern = new RegExp(`^(\\*/\\*|${token}/\\*|${token}/${token})$`);
const parameterPattern = new RegExp(`^(${token})=(${token}|"(?:[^"\\\\]|\\\\.)*")$`);
const qualityPattern = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/;

const quoted = (value: string) => JSON.stringify(value.length > quotedAcceptLength ? `${value.slice(0, quotedAcceptLength)}…` : value);
const served = () => `${formatOrder.map((format) => rdfFormats[format].mediaTypes[0]).join(', ')}`;
const extensions = () => `${formatOrder.map((format) => rdfFormats[format].extension).join(', ')}`;

interface MediaRange {
  type: string;
  subtype: string;
  quality: number;
}

/** The ranges of an `Accept` header, or the reason it is malformed. */
function parseAccept(header: string): MediaRange[] | string {
  if (header.length > maxAcceptLength) return `is ${header.length} characters long; at most ${maxAcceptLength} are read`;
  const ranges: MediaRange[] = [];
  for (const element of header.split(',')) {
    if (element.trim() === '') continue;
    const [range, ...parameters] = element.split(';').map((part) => part.trim());
    if (!mediaRangePattern.test(range!) || (range!.startsWith('*/') && range !== '*/*')) return `has ${quoted(range!)}, which is not a media range such as text/turtle`;
    let quality = 1;
    for (const parameter of parameters) {
      const match = parameterPattern.exec(parameter);
      if (!match) return `has the parameter ${quoted(parameter)}, which is not name=value`;
      if (match[1]!.toLowerCase() === 'q') {
        if (!qualityPattern.test(match[2]!)) return `has q=${quoted(match[2]!)}; a quality is a number from 0 to 1 with at most three decimals`;
        quality = Number(match[2]);
      }
    }
    const [type, subtype] = range!.toLowerCase().split('/') as [string, string];
    ranges.push({ type, subtype, quality });
  }
  return ranges;
}

/** The quality `ranges` give `mediaType`: that of the most specific range matching it, 0 when none does. */
function qualityOf(ranges: readonly MediaRange[], mediaType: string): number {
  const [type, subtype] = mediaType.split('/') as [string, string];
  let best: { specificity: number; quality: number } | undefined;
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : range.type === '*' ? 0 : -1;
    if (specificity < 0) continue;
    // Equally specific ranges for one type (`text/turtle;q=0.2, text/turtle`): the higher quality counts.
    if (!best || specificity > best.specificity || (specificity === best.specificity && range.quality > best.quality)) best = { specificity, quality: range.quality };
  }
  return best?.quality ?? 0;
}

/** The format a path extension asks for, and the path without it; undefined when the path has none of them. */
export function formatOfExtension(path: string): { format: RdfFormat; path: string } | undefined {
  for (const format of formatOrder) {
    const { extension } = rdfFormats[format];
    if (path.endsWith(extension) && path.length > extension.length) return { format, path: path.slice(0, -extension.length) };
  }
  return undefined;
}

/**
 * The format for a request: `extension` (from `formatOfExtension`) when
 * given, else the best of `accept`; JSON-LD when neither says. A malformed
 * `Accept`, or one that rates every served format 0, is an error naming
 * what is served.
 */
export function negotiateRdfFormat(accept: string | null | undefined, extension?: RdfFormat): Negotiation {
  if (extension) return { format: extension, byExtension: true };
  if (accept === null || accept === undefined || accept.trim() === '') return { format: 'jsonld', byExtension: false };
  const ranges = parseAccept(accept);
  if (typeof ranges === 'string') {
    return { error: `The Accept header ${ranges}. Ask for one of ${served()}, or add ${extensions()} to the path.` };
  }
  let chosen: { format: RdfFormat; quality: number } | undefined;
  for (const format of formatOrder) {
    const quality = Math.max(...rdfFormats[format].mediaTypes.map((mediaType) => qualityOf(ranges, mediaType)));
    if (quality > 0 && (!chosen || quality > chosen.quality)) chosen = { format, quality };
  }
  if (!chosen) {
    return { error: `The Accept header ${quoted(accept)} names no format served here. Ask for one of ${served()}, or add ${extensions()} to the path.` };
  }
  return { format: chosen.format, byExtension: false };
}
