import type { DatasetRecord, DistributionRecord } from '../../../schema/datasetRecord.ts';
import {
  accessRightsIri,
  countryIri,
  dataThemeIri,
  dataThemes,
  fileTypeIri,
  fileTypes,
  frequencyIri,
  languageIri,
  licenceIri,
  mediaTypeIri,
} from '../../shared/dcatVocabularies.ts';

/**
 * The JSON-LD context of every DCAT-AP document Wharf writes. Values are
 * written in expanded form (`{"@id": …}`, `{"@value": …, "@language": …}`),
 * so the context only names prefixes and a consumer needs nothing remote.
 */
export const dcatContext = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcatap: 'http://data.europa.eu/r5r/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

export type JsonLdNode = Record<string, unknown>;

export interface DcatDatasetOptions {
  /** Where the region's `/dcat` endpoint is reached (`https://data.example.mo`); dataset IRIs are `<base>/dcat/<id>`. */
  baseIri: string;
  /**
   * Whether the consumer may read the dataset. Distributions carry access
   * URLs, so a consumer who may only discover it gets the dataset without
   * them (DCAT-AP allows a dataset with no distribution).
   * @default true
   */
  readAllowed?: boolean;
}

/** The IRI a dataset has in Wharf's DCAT-AP documents. */
export const dcatDatasetIri = (baseIri: string, id: string) => `${baseIri.replace(/\/+$/, '')}/dcat/${id}`;

/** An ISO 8601 date as dates, months, years and date-times are typed in XSD. */
export function typedDate(value: string): { '@value': string; '@type': string } {
  if (/^\d{4}$/.test(value)) return { '@value': value, '@type': 'xsd:gYear' };
  if (/^\d{4}-\d{2}$/.test(value)) return { '@value': value, '@type': 'xsd:gYearMonth' };
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return { '@value': value, '@type': 'xsd:date' };
  // xsd:dateTime needs seconds; dataset files may leave them out (`2024-05-01T08:00+08:00`).
  const withSeconds = value.replace(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?=$|Z|[+-])/, '$1:00');
  // And a colon in the offset (`+0800` → `+08:00`).
  return { '@value': withSeconds.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'), '@type': 'xsd:dateTime' };
}

const text = (value: string, lang?: string) => (lang ? { '@value': value, '@language': lang } : value);
const isUrl = (value: string) => /^https?:\/\//i.test(value);
const compact = (node: JsonLdNode): JsonLdNode => Object.fromEntries(Object.entries(node).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)));

function licenseNode(license: string): JsonLdNode {
  const iri = licenceIri(license) ?? (isUrl(license) ? license : undefined);
  // A licence given only as words (terms of a restricted dataset) stays a described, unnamed licence document.
  return iri ? { '@id': iri, '@type': 'dct:LicenseDocument' } : { '@type': 'dct:LicenseDocument', 'rdfs:label': license };
}

function rightsNode(rights: string): JsonLdNode {
  return isUrl(rights) ? { '@id': rights, '@type': 'dct:RightsStatement' } : { '@type': 'dct:RightsStatement', 'rdfs:label': rights };
}

function formatNode(format: string): JsonLdNode {
  const known = fileTypes.get(format.toUpperCase());
  return known ? { '@id': fileTypeIri(known.code), '@type': 'dct:MediaTypeOrExtent' } : { '@type': 'dct:MediaTypeOrExtent', 'rdfs:label': format };
}

function spatialNode(place: string, language: string): JsonLdNode {
  const country = countryIri(place);
  if (country) return { '@id': country, '@type': 'dct:Location' };
  // Subdivision codes (`CN-GX`, `VN-HN`) are identifiers; anything else is a place name in the metadata's language.
  if (/^[A-Z]{2}-[A-Z0-9]{1,3}$/.test(place)) return { '@type': 'dct:Location', 'dct:identifier': place };
  return { '@type': 'dct:Location', 'skos:prefLabel': text(place, language) };
}

function distributionNode(record: DatasetRecord, distribution: DistributionRecord, iri: string): JsonLdNode {
  return compact({
    '@id': iri,
    '@type': 'dcat:Distribution',
    'dct:title': distribution.title ? text(distribution.title, record.language) : undefined,
    'dct:description': distribution.description ? text(distribution.description, record.language) : undefined,
    'dcat:accessURL': { '@id': distribution.accessUrl },
    'dcat:downloadURL': distribution.downloadUrl ? { '@id': distribution.downloadUrl } : undefined,
    'dct:format': distribution.format ? formatNode(distribution.format) : undefined,
    'dcat:mediaType': distribution.mediaType ? { '@id': mediaTypeIri(distribution.mediaType), '@type': 'dct:MediaType' } : undefined,
    'dcat:byteSize': distribution.byteSize !== undefined ? { '@value': String(distribution.byteSize), '@type': 'xsd:nonNegativeInteger' } : undefined,
    // DCAT-AP puts licence and rights on the distribution; a Wharf dataset's apply to each of its distributions.
    'dct:license': record.license ? licenseNode(record.license) : undefined,
    'dct:rights': record.rights ? rightsNode(record.rights) : undefined,
  });
}

/**
 * A Wharf record as a DCAT-AP 3 `dcat:Dataset` node (without `@context`):
 * titles and descriptions with language tags, EU vocabulary IRIs for themes,
 * formats, licences, access rights, frequency, countries and language,
 * dates typed as XSD dates, months, years or date-times.
 */
export function toDcatDataset(record: DatasetRecord, options: DcatDatasetOptions): JsonLdNode {
  const iri = dcatDatasetIri(options.baseIri, record.id);
  const language = languageIri(record.language);
  const frequency = record.accrualPeriodicity ? frequencyIri(record.accrualPeriodicity) : undefined;
  const contact = record.contactPoint;
  return compact({
    '@id': iri,
    '@type': 'dcat:Dataset',
    'dct:identifier': record.identifier,
    'dct:title': record.title.map((item) => text(item.value, item.lang)),
    'dct:description': record.description.map((item) => text(item.value, item.lang)),
    'dcat:keyword': record.keywords,
    'dcat:theme': record.themes
      .filter((code) => dataThemes[code] !== undefined)
      .map((code) => ({ '@id': dataThemeIri(code), '@type': 'skos:Concept', 'skos:prefLabel': text(dataThemes[code]!, 'en') })),
    'dct:publisher': record.publisher
      ? compact({ '@type': 'foaf:Agent', 'foaf:name': record.publisher.name, 'foaf:homepage': record.publisher.url ? { '@id': record.publisher.url } : undefined })
      : undefined,
    'dcat:contactPoint':
      contact && (contact.name ?? contact.email ?? contact.url)
        ? compact({
            '@type': 'vcard:Kind',
            'vcard:fn': contact.name,
            'vcard:hasEmail': contact.email ? { '@id': `mailto:${contact.email}` } : undefined,
            'vcard:hasURL': contact.url ? { '@id': contact.url } : undefined,
          })
        : undefined,
    'dct:spatial': record.spatial.map((place) => spatialNode(place, record.language)),
    'dct:temporal':
      record.temporal && (record.temporal.start ?? record.temporal.end)
        ? compact({
            '@type': 'dct:PeriodOfTime',
            'dcat:startDate': record.temporal.start ? typedDate(record.temporal.start) : undefined,
            'dcat:endDate': record.temporal.end ? typedDate(record.temporal.end) : undefined,
          })
        : undefined,
    'dct:accrualPeriodicity': frequency ? { '@id': frequency, '@type': 'dct:Frequency' } : undefined,
    'dcat:landingPage': record.landingPage ? { '@id': record.landingPage, '@type': 'foaf:Document' } : undefined,
    'dct:language': language ? { '@id': language, '@type': 'dct:LinguisticSystem' } : undefined,
    'dct:issued': record.issued ? typedDate(record.issued) : undefined,
    'dct:modified': record.modified ? typedDate(record.modified) : undefined,
    'dct:accessRights': { '@id': accessRightsIri(record.access.tier), '@type': 'dct:RightsStatement' },
    'dcat:distribution':
      options.readAllowed === false ? undefined : record.distributions.map((distribution, i) => distributionNode(record, distribution, `${iri}#distribution-${i + 1}`)),
  });
}

/** One dataset as a standalone JSON-LD document. */
export function dcatDatasetDocument(record: DatasetRecord, options: DcatDatasetOptions): JsonLdNode {
  return { '@context': dcatContext, ...toDcatDataset(record, options) };
}
