/**
 * The controlled vocabularies Wharf maps its dataset files to when it speaks
 * DCAT-AP: the EU Publications Office authority tables (data themes, file
 * types, licences, access rights, frequencies, countries, languages) and
 * IANA media types. The DCAT-AP export writes these IRIs; the quality
 * assessment awards its "from a vocabulary" points for exactly the values
 * these tables know, so the two never disagree.
 */

const authority = 'http://publications.europa.eu/resource/authority';

/** The EU data-theme vocabulary: code → English label. */
export const dataThemes: Readonly<Record<string, string>> = {
  AGRI: 'Agriculture, fisheries, forestry and food',
  ECON: 'Economy and finance',
  EDUC: 'Education, culture and sport',
  ENER: 'Energy',
  ENVI: 'Environment',
  GOVE: 'Government and public sector',
  HEAL: 'Health',
  INTR: 'International issues',
  JUST: 'Justice, legal system and public safety',
  OP_DATPRO: 'Provisional data',
  REGI: 'Regions and cities',
  SOCI: 'Population and society',
  TECH: 'Science and technology',
  TRAN: 'Transport',
};
export const dataThemeScheme = `${authority}/data-theme`;
export const dataThemeIri = (code: string) => `${dataThemeScheme}/${code}`;

/**
 * A file type of the EU file-type table, and how the MQA judges it:
 * `machineReadable` (a program can read the data without a person), and
 * `nonProprietary` (an open specification no single vendor controls).
 */
export interface FileType {
  code: string;
  mediaType: string;
  machineReadable: boolean;
  nonProprietary: boolean;
}

const fileTypeList: FileType[] = [
  { code: 'CSV', mediaType: 'text/csv', machineReadable: true, nonProprietary: true },
  { code: 'TSV', mediaType: 'text/tab-separated-values', machineReadable: true, nonProprietary: true },
  { code: 'JSON', mediaType: 'application/json', machineReadable: true, nonProprietary: true },
  { code: 'JSON_LD', mediaType: 'application/ld+json', machineReadable: true, nonProprietary: true },
  { code: 'GEOJSON', mediaType: 'application/geo+json', machineReadable: true, nonProprietary: true },
  { code: 'XML', mediaType: 'application/xml', machineReadable: true, nonProprietary: true },
  { code: 'RDF_XML', mediaType: 'application/rdf+xml', machineReadable: true, nonProprietary: true },
  { code: 'RDF_TURTLE', mediaType: 'text/turtle', machineReadable: true, nonProprietary: true },
  { code: 'GML', mediaType: 'application/gml+xml', machineReadable: true, nonProprietary: true },
  { code: 'KML', mediaType: 'application/vnd.google-earth.kml+xml', machineReadable: true, nonProprietary: true },
  { code: 'KMZ', mediaType: 'application/vnd.google-earth.kmz', machineReadable: true, nonProprietary: true },
  { code: 'GPKG', mediaType: 'application/geopackage+sqlite3', machineReadable: true, nonProprietary: true },
  { code: 'PARQUET', mediaType: 'application/vnd.apache.parquet', machineReadable: true, nonProprietary: true },
  { code: 'NETCDF', mediaType: 'application/netcdf', machineReadable: true, nonProprietary: true },
  { code: 'ODS', mediaType: 'application/vnd.oasis.opendocument.spreadsheet', machineReadable: true, nonProprietary: true },
  { code: 'XLSX', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', machineReadable: true, nonProprietary: false },
  { code: 'XLS', mediaType: 'application/vnd.ms-excel', machineReadable: true, nonProprietary: false },
  { code: 'SHP', mediaType: 'application/zip', machineReadable: true, nonProprietary: false },
  { code: 'TXT', mediaType: 'text/plain', machineReadable: false, nonProprietary: true },
  { code: 'HTML', mediaType: 'text/html', machineReadable: false, nonProprietary: true },
  { code: 'PDF', mediaType: 'application/pdf', machineReadable: false, nonProprietary: true },
  { code: 'ODT', mediaType: 'application/vnd.oasis.opendocument.text', machineReadable: false, nonProprietary: true },
  { code: 'DOCX', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', machineReadable: false, nonProprietary: false },
  { code: 'DOC', mediaType: 'application/msword', machineReadable: false, nonProprietary: false },
  { code: 'ZIP', mediaType: 'application/zip', machineReadable: false, nonProprietary: true },
];

/** File types by their EU code (`CSV`, `GEOJSON`, …). */
export const fileTypes: ReadonlyMap<string, FileType> = new Map(fileTypeList.map((type) => [type.code, type]));
export const fileTypeIri = (code: string) => `${authority}/file-type/${code}`;

/**
 * The file type a distribution is in: its `format` when the table knows it,
 * else the type its media type names (`application/json` for an `API`).
 * A media type shared by several codes (`application/zip`) names none.
 */
export function fileTypeOf(format: string | undefined, mediaType: string | undefined): FileType | undefined {
  const byFormat = format ? (fileTypes.get(format) ?? fileTypes.get(format.toUpperCase())) : undefined;
  if (byFormat) return byFormat;
  return mediaType ? fileTypeByMediaType.get(mediaType.toLowerCase()) : undefined;
}

/** Media types that name exactly one file type (`application/zip` names two). */
const fileTypeByMediaType: ReadonlyMap<string, FileType> = new Map(
  fileTypeList
    .filter((type) => fileTypeList.filter((other) => other.mediaType === type.mediaType).length === 1)
    .map((type) => [type.mediaType, type]),
);

/** IANA's page for a media type: the IRI DCAT-AP uses for `dcat:mediaType`. */
export const mediaTypeIri = (mediaType: string) => `https://www.iana.org/assignments/media-types/${mediaType.toLowerCase()}`;

/**
 * Licences of the EU licence table, by the ways dataset files name them
 * (canonical URL, with or without trailing slash, or SPDX id).
 */
const licenceCodes: Readonly<Record<string, string>> = {
  'https://creativecommons.org/licenses/by/4.0': 'CC_BY_4_0',
  'https://creativecommons.org/licenses/by-sa/4.0': 'CC_BYSA_4_0',
  'https://creativecommons.org/licenses/by-nc/4.0': 'CC_BYNC_4_0',
  'https://creativecommons.org/licenses/by-nd/4.0': 'CC_BYND_4_0',
  'https://creativecommons.org/publicdomain/zero/1.0': 'CC0',
  'https://opendatacommons.org/licenses/odbl/1-0': 'ODC_BL',
  'https://opendatacommons.org/licenses/by/1-0': 'ODC_BY',
  'https://opendatacommons.org/licenses/pddl/1-0': 'ODC_PDDL',
  'cc-by-4.0': 'CC_BY_4_0',
  'cc-by-sa-4.0': 'CC_BYSA_4_0',
  'cc-by-nc-4.0': 'CC_BYNC_4_0',
  'cc-by-nd-4.0': 'CC_BYND_4_0',
  cc0: 'CC0',
  'cc0-1.0': 'CC0',
  'odbl-1.0': 'ODC_BL',
  'odc-by-1.0': 'ODC_BY',
  'pddl-1.0': 'ODC_PDDL',
};

/** The EU licence-table IRI of `license`, or undefined when the table does not list it. */
export function licenceIri(license: string): string | undefined {
  const key = license.trim().replace(/^http:\/\//, 'https://').replace(/\/+$/, '');
  const code = licenceCodes[key] ?? licenceCodes[key.toLowerCase()];
  return code ? `${authority}/licence/${code}` : undefined;
}

/**
 * `dct:accessRights` from the access tier: only `public` is open to all;
 * `restricted` data is shared on conditions; `internal` and `confidential`
 * data are not made public at all.
 */
export const accessRightsIri = (tier: 'public' | 'internal' | 'restricted' | 'confidential') =>
  `${authority}/access-right/${tier === 'public' ? 'PUBLIC' : tier === 'restricted' ? 'RESTRICTED' : 'NON_PUBLIC'}`;

/** Update frequencies as dataset files write them → the EU frequency table's code. */
const frequencyCodes: Readonly<Record<string, string>> = {
  CONTINUOUS: 'CONT',
  REALTIME: 'UPDATE_CONT',
  HOURLY: 'HOURLY',
  DAILY: 'DAILY',
  WEEKLY: 'WEEKLY',
  MONTHLY: 'MONTHLY',
  QUARTERLY: 'QUARTERLY',
  HALF_YEAR: 'ANNUAL_2',
  SEMIANNUAL: 'ANNUAL_2',
  ANNUAL: 'ANNUAL',
  YEARLY: 'ANNUAL',
  BIENNIAL: 'BIENNIAL',
  IRREGULAR: 'IRREG',
  INFREQUENT: 'IRREG',
  'AD-HOC': 'IRREG',
  'ONE-OFF': 'NEVER',
  NEVER: 'NEVER',
  OTHER: 'OTHER',
  UNKNOWN: 'UNKNOWN',
};

/** The EU frequency-table IRI of `periodicity`, or undefined for a value it has no code for. */
export function frequencyIri(periodicity: string): string | undefined {
  const code = frequencyCodes[periodicity.trim().toUpperCase().replace(/\s+/g, '_')];
  return code ? `${authority}/frequency/${code}` : undefined;
}

/** ISO 3166-1 alpha-2 → alpha-3, for the countries and territories Wharf's regions name. */
const countryAlpha3: Readonly<Record<string, string>> = {
  BN: 'BRN', CN: 'CHN', HK: 'HKG', ID: 'IDN', IN: 'IND', JP: 'JPN', KH: 'KHM', KR: 'KOR', LA: 'LAO', MM: 'MMR',
  MO: 'MAC', MY: 'MYS', PH: 'PHL', PT: 'PRT', SG: 'SGP', TH: 'THA', TL: 'TLS', TW: 'TWN', VN: 'VNM', AU: 'AUS',
  NZ: 'NZL', US: 'USA', GB: 'GBR', BR: 'BRA', AO: 'AGO', MZ: 'MOZ', CV: 'CPV', GW: 'GNB', ST: 'STP',
};

/** The EU country-table IRI of an ISO 3166-1 alpha-2 code, or undefined for anything else. */
export function countryIri(code: string): string | undefined {
  const alpha3 = countryAlpha3[code];
  return alpha3 ? `${authority}/country/${alpha3}` : undefined;
}

/** BCP 47 primary language → the EU language table's code. */
const languageCodes: Readonly<Record<string, string>> = {
  en: 'ENG', zh: 'ZHO', vi: 'VIE', ms: 'MSA', pt: 'POR', th: 'THA', id: 'IND', ta: 'TAM', fr: 'FRA', es: 'SPA',
};

/** The EU language-table IRI of a BCP 47 code (`pt-MO` → Portuguese), or undefined. */
export function languageIri(code: string): string | undefined {
  const eu = languageCodes[code.split('-')[0]!.toLowerCase()];
  return eu ? `${authority}/language/${eu}` : undefined;
}
