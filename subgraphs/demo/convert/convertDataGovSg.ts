/**
 * data.gov.sg → Wharf dataset files (region SG).
 *
 * Source: `datasets.json` (one row per dataset) and `collections.json` (groups of
 * datasets carrying the description, frequency, coverage and agency). Every dataset
 * listed in some collection's `childDatasets` becomes one file named by its datasetId.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetFile } from '../../../schema/datasetFile.ts';
import type { Conversion, Skip } from './conversion.ts';

interface SgDataset {
  datasetId: string;
  name?: string;
  format?: string;
  createdAt?: string;
  lastUpdatedAt?: string;
  managedByAgencyName?: string | null;
}

interface SgCollection {
  collectionId: string;
  name?: string;
  description?: string;
  frequency?: string | null;
  coverageStart?: string;
  coverageEnd?: string;
  managedByAgencyName?: string | null;
  childDatasets?: string[];
}

export const SG_LICENSE = 'https://data.gov.sg/open-data-licence';

export const SG_LICENSE_MD = `# Licence

The dataset metadata in this folder (titles, descriptions, agencies, dates and
links) comes from data.gov.sg, Singapore's open data portal, and is used under the
Singapore Open Data Licence version 1.0: ${SG_LICENSE}

Contains information from data.gov.sg which is made available under the terms of
the Singapore Open Data Licence version 1.0. The metadata was converted to Wharf's
dataset file format; SOURCE.txt says which copy of the catalogue it was taken from.
`;

/**
 * Agency name → [acronym, themes, host]. Themes are EU data-theme codes, or
 * `content` to decide ECON/SOCI from the collection name. `host` gives
 * https://www.<host>.gov.sg and is only set for sites known to exist.
 */
const AGENCIES: Record<string, [string, string, string?]> = {
  'Singapore Department of Statistics': ['SingStat', 'content', 'singstat'],
  'Ministry of Manpower': ['MOM', 'content', 'mom'],
  'Urban Redevelopment Authority': ['URA', 'REGI', 'ura'],
  'Housing and Development Board': ['HDB', 'REGI', 'hdb'],
  'Singapore Land Authority': ['SLA', 'REGI', 'sla'],
  'Building and Construction Authority': ['BCA', 'REGI', 'bca'],
  'Board of Architects': ['BOA', 'REGI'],
  'Council For Estate Agencies': ['CEA', 'REGI', 'cea'],
  'JTC Corporation': ['JTC', 'REGI ECON', 'jtc'],
  'Land Transport Authority': ['LTA', 'TRAN', 'lta'],
  'Maritime and Port Authority of Singapore': ['MPA', 'TRAN', 'mpa'],
  'Civil Aviation Authority of Singapore': ['CAAS', 'TRAN', 'caas'],
  'Public Transport Council': ['PTC', 'TRAN', 'ptc'],
  'Ministry of Transport': ['MOT', 'TRAN', 'mot'],
  'National Environment Agency': ['NEA', 'ENVI', 'nea'],
  "PUB, Singapore's national water agency": ['PUB', 'ENVI', 'pub'],
  'National Parks Board': ['NParks', 'ENVI', 'nparks'],
  'Ministry of Sustainability and the Environment': ['MSE', 'ENVI', 'mse'],
  'Energy Market Authority': ['EMA', 'ENER', 'ema'],
  'Singapore Food Agency': ['SFA', 'AGRI', 'sfa'],
  'Ministry of Health': ['MOH', 'HEAL', 'moh'],
  'Health Promotion Board': ['HPB', 'HEAL', 'hpb'],
  'Health Sciences Authority': ['HSA', 'HEAL', 'hsa'],
  'Ministry of Education': ['MOE', 'EDUC', 'moe'],
  'Early Childhood Development Agency': ['ECDA', 'EDUC', 'ecda'],
  'SkillsFuture Singapore': ['SSG', 'EDUC'],
  'Institute of Technical Education': ['ITE', 'EDUC'],
  'Ngee Ann Polytechnic': ['NP', 'EDUC'],
  'Temasek Polytechnic': ['TP', 'EDUC'],
  'Republic Polytechnic': ['RP', 'EDUC'],
  'Nanyang Polytechnic': ['NYP', 'EDUC'],
  'Singapore Polytechnic': ['SP', 'EDUC'],
  'National Library Board': ['NLB', 'EDUC', 'nlb'],
  'National Heritage Board': ['NHB', 'EDUC', 'nhb'],
  'Ministry of Culture, Community and Youth': ['MCCY', 'EDUC SOCI', 'mccy'],
  'Sport Singapore': ['SportSG', 'EDUC'],
  'Science Centre Board': ['SCB', 'EDUC'],
  'Ministry of Social and Family Development': ['MSF', 'SOCI', 'msf'],
  "People's Association": ['PA', 'SOCI', 'pa'],
  'Immigration and Checkpoints Authority': ['ICA', 'SOCI', 'ica'],
  'Majlis Ugama Islam Singapura': ['MUIS', 'SOCI'],
  'Central Provident Fund Board': ['CPF', 'ECON SOCI', 'cpf'],
  'Workforce Singapore': ['WSG', 'ECON'],
  'Inland Revenue Authority of Singapore': ['IRAS', 'ECON', 'iras'],
  'Ministry of Finance': ['MOF', 'ECON', 'mof'],
  'Monetary Authority of Singapore': ['MAS', 'ECON', 'mas'],
  'Accounting and Corporate Regulatory Authority': ['ACRA', 'ECON', 'acra'],
  'Economic Development Board': ['EDB', 'ECON'],
  'Enterprise Singapore': ['EnterpriseSG', 'ECON'],
  'Singapore Customs': ['Customs', 'ECON', 'customs'],
  'Singapore Tourism Board': ['STB', 'ECON', 'stb'],
  'Hotels Licensing Board': ['HLB', 'ECON'],
  'Intellectual Property Office of Singapore': ['IPOS', 'ECON', 'ipos'],
  'Competition and Consumer Commission of Singapore': ['CCCS', 'ECON', 'cccs'],
  'Info-communications Media Development Authority': ['IMDA', 'TECH', 'imda'],
  'Government Technology Agency': ['GovTech', 'TECH', 'tech'],
  'Personal Data Protection Commission': ['PDPC', 'TECH'],
  'Agency For Science, Technology and Research': ['A*STAR', 'TECH'],
  'National Research Foundation': ['NRF', 'TECH', 'nrf'],
  'Singapore Police Force': ['SPF', 'JUST', 'police'],
  'Singapore Prison Service': ['SPS', 'JUST', 'sps'],
  'Central Narcotics Bureau': ['CNB', 'JUST', 'cnb'],
  'Singapore Civil Defence Force': ['SCDF', 'JUST', 'scdf'],
  'Ministry of Home Affairs': ['MHA', 'JUST', 'mha'],
  'Ministry of Law': ['MinLaw', 'JUST', 'mlaw'],
  'Judiciary, State Courts': ['State Courts', 'JUST'],
  'Yellow Ribbon Singapore': ['YRSG', 'JUST'],
  'Elections Department': ['ELD', 'GOVE', 'eld'],
  'Public Service Division': ['PSD', 'GOVE', 'psd'],
  'Ministry of Defence': ['MINDEF', 'GOVE', 'mindef'],
};

const SOCIAL_TERMS =
  /\b(population|residents?|citizens?|births?|deaths?|marriages?|divorces?|annulments?|households?|famil\w*|ethnic\w*|religio\w*|literacy|languages?|fertility|life expectancy|mortality|aged|elderly|youth|disab\w*|volunteer\w*)\b/i;
const ECONOMIC_TERMS =
  /\b(gdp|cpi|prices?|index|indices|trade|exports?|imports?|income|wages?|earnings?|expenditure|invest\w*|industr\w*|retail|wholesale|business\w*|enterprises?|tax\w*|revenue|financ\w*|employ\w*|labour|vacanc\w*|retrench\w*|productivity|touris\w*|visitors?|hotels?|sales|output|costs?|economic)\b/i;

const MEDIA_TYPES: Record<string, [string, string]> = {
  CSV: ['text/csv', 'CSV file'],
  GEOJSON: ['application/geo+json', 'GeoJSON file'],
  KML: ['application/vnd.google-earth.kml+xml', 'KML file'],
  KMZ: ['application/vnd.google-earth.kmz', 'KMZ file'],
  SHP: ['application/zip', 'Zipped shapefile'],
  XLSX: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Excel workbook'],
  PDF: ['application/pdf', 'PDF document'],
  API: ['application/json', 'Real-time API'],
};

const FREQUENCY_KEYWORDS: Record<string, string> = {
  annual: 'annual', monthly: 'monthly', quarterly: 'quarterly', half_year: 'half-yearly',
  weekly: 'weekly', daily: 'daily', realtime: 'real-time', 'ad-hoc': 'ad hoc',
};

/** Words that say nothing about a collection's topic. */
const NAME_STOPWORDS = new Set(
  ('a all an and are as at by do for from in into is its not of on or per than the to via with under over ' +
    'after before including excluding total number numbers amount net mean median average rate rates ' +
    'annual monthly quarterly weekly daily yearly half year years data dataset datasets list listing ' +
    'based type types group groups main selected other others level new current registered key ' +
    'singapore national statistics figures information details summary distribution who across ' +
    'realtime percentage further breakdown')
    .split(' '),
);

/**
 * Coverage values that are artefacts, not facts: 388 collections carry the
 * placeholder range 2023-01-01..2023-02-17, and some dates are epoch-seconds read
 * as milliseconds (1970-01-xx). Such values are dropped rather than published.
 */
export function usableCoverage(start?: string, end?: string): { start?: string; end?: string } {
  const day = (value?: string) => (value && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined);
  const [from, to] = [day(start), day(end)];
  if (from === '2023-01-01' && to === '2023-02-17') return {};
  const real = (value?: string) => (value?.startsWith('1970-01-') ? undefined : value);
  return { start: real(from), end: real(to) };
}

export function themesFor(agency: string | undefined, collectionName: string): string[] {
  const spec = agency ? AGENCIES[agency]?.[1] : undefined;
  if (spec !== 'content') return spec ? spec.split(' ') : [];
  const themes = [];
  if (ECONOMIC_TERMS.test(collectionName)) themes.push('ECON');
  if (SOCIAL_TERMS.test(collectionName)) themes.push('SOCI');
  return themes.length ? themes : ['ECON'];
}

/** A few keywords: agency acronym, up to four topic words from the collection name, frequency. */
export function keywordsFor(agency: string | undefined, collectionName: string, frequency?: string | null): string[] {
  const words = collectionName
    .toLowerCase()
    .replace(/\(.*?\)/g, ' ')
    .split(/[^a-z0-9'-]+/)
    .map((word) => word.replace(/^['-]+|['-]+$/g, '').replace(/'s$/, ''))
    .filter((word) => word.length > 2 && !/^\d+$/.test(word) && !NAME_STOPWORDS.has(word));
  const acronym = agency ? AGENCIES[agency]?.[0] : undefined;
  const cadence = frequency ? FREQUENCY_KEYWORDS[frequency] : undefined;
  const unique = new Map<string, string>();
  for (const word of [acronym, ...words, cadence]) {
    const key = word?.toLowerCase().replace(/s$/, '');
    if (word && key && !unique.has(key)) unique.set(key, word);
  }
  const topics = [...unique.values()].filter((word) => word !== acronym && word !== cadence).slice(0, 4);
  return [acronym, ...topics, cadence].filter((word): word is string => !!word);
}

export function publisherFor(agency: string | undefined): DatasetFile['publisher'] {
  if (!agency) return undefined;
  const host = AGENCIES[agency]?.[2];
  return { name: agency, url: host ? `https://www.${host}.gov.sg` : undefined };
}

export function normaliseText(text: string | undefined): string {
  return (text ?? '').replace(/\r\n?/g, '\n').replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

function distributionFor(id: string, format: string, landingPage: string): DatasetFile['distributions'][number] {
  const [mediaType, title] = MEDIA_TYPES[format] ?? [undefined, `${format} file`];
  const isApi = format === 'API';
  return {
    title,
    description: isApi
      ? 'Real-time API; see the landing page for the endpoint.'
      : 'The download URL answers with JSON holding a short-lived link to the file (data.gov.sg download API).',
    format,
    mediaType,
    accessUrl: landingPage,
    downloadUrl: isApi ? undefined : `https://api-open.data.gov.sg/v1/public/api/datasets/${id}/poll-download`,
  };
}

export function toDatasetFile(dataset: SgDataset, collection: SgCollection): DatasetFile {
  const id = dataset.datasetId;
  const agency = dataset.managedByAgencyName ?? collection.managedByAgencyName ?? undefined;
  const collectionName = collection.name?.trim() ?? '';
  const landingPage = `https://data.gov.sg/datasets/${id}/view`;
  return {
    identifier: id,
    language: 'en',
    title: dataset.name!.trim(),
    description: normaliseText(collection.description) || collectionName,
    keywords: keywordsFor(agency, collectionName, collection.frequency),
    themes: themesFor(agency, collectionName),
    publisher: publisherFor(agency),
    license: SG_LICENSE,
    spatial: ['SG'],
    temporal: usableCoverage(collection.coverageStart, collection.coverageEnd),
    accrualPeriodicity: collection.frequency?.toUpperCase(),
    landingPage,
    issued: dataset.createdAt,
    modified: dataset.lastUpdatedAt,
    distributions: dataset.format ? [distributionFor(id, dataset.format.toUpperCase(), landingPage)] : [],
    lineage: [],
  };
}

function readJsonArray<T>(path: string): T[] {
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(value)) throw new Error(`${path} is not a JSON array`);
  return value as T[];
}

export function convertSg(sourceDir: string): Conversion {
  const rows = readJsonArray<SgDataset>(join(sourceDir, 'datasets.json'));
  const datasets = new Map<string, SgDataset>();
  for (const row of rows) {
    if (typeof row?.datasetId === 'string' && !datasets.has(row.datasetId)) datasets.set(row.datasetId, row);
  }
  const collections = readJsonArray<SgCollection>(join(sourceDir, 'collections.json'));
  const parentOf = new Map<string, SgCollection>();
  for (const collection of collections) {
    const children = Array.isArray(collection?.childDatasets) ? collection.childDatasets : [];
    for (const id of children) if (typeof id === 'string' && !parentOf.has(id)) parentOf.set(id, collection);
  }

  const converted: DatasetFile[] = [];
  const skipped: Skip[] = [];
  for (const id of [...parentOf.keys()].sort()) {
    const dataset = datasets.get(id);
    const collection = parentOf.get(id)!;
    if (!dataset) skipped.push({ id: `${id} (collection ${collection.collectionId})`, reason: 'listed in a collection but missing from datasets.json' });
    else if (typeof dataset.name !== 'string' || !dataset.name.trim()) skipped.push({ id, reason: 'dataset has no name' });
    else {
      try {
        converted.push(toDatasetFile(dataset, collection));
      } catch (error) {
        skipped.push({ id, reason: `malformed source row (${(error as Error).message})` });
      }
    }
  }
  const coverageDropped = converted.filter((file) => {
    const collection = parentOf.get(file.identifier!)!;
    const kept = usableCoverage(collection.coverageStart, collection.coverageEnd);
    return (collection.coverageStart || collection.coverageEnd) && !kept.start && !kept.end;
  }).length;
  const unknownAgencies = new Set(
    converted.map((file) => file.publisher?.name).filter((name): name is string => !!name && !AGENCIES[name]),
  );
  return {
    datasets: converted,
    skipped,
    notes: [
      `${rows.length - datasets.size} repeated rows in datasets.json (same datasetId) collapsed`,
      `${coverageDropped} datasets without temporal: their collection coverage is a placeholder or epoch artefact`,
      ...[...unknownAgencies].sort().map((name) => `agency without theme/acronym mapping: ${name}`),
    ],
    attribution: { 'SOURCE.txt': readFileSync(join(sourceDir, 'SOURCE.txt')), 'LICENSE.md': SG_LICENSE_MD },
  };
}
