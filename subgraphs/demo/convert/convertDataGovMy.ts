/**
 * data.gov.my → Wharf dataset files (region MY).
 *
 * Source: `data-catalogue/*.json`, one bilingual (Malay/English) file per dataset of
 * the data.gov.my / OpenDOSM catalogue. The file name is the identifier. Lineage
 * edges come from an explicit list of pairs whose derivation the catalogue itself
 * states in the dataset's methodology text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DatasetFile } from '../../../schema/datasetFile.ts';
import type { Conversion, Skip } from './conversion.ts';

interface MyCategory {
  category_en?: string;
  category_ms?: string;
  subcategory_en?: string;
  subcategory_ms?: string;
}

interface MyDataset {
  title_en?: string;
  title_ms?: string;
  description_en?: string;
  description_ms?: string;
  last_updated?: string;
  frequency?: string;
  dataset_begin?: number | string;
  dataset_end?: number | string;
  data_source?: string[];
  site_category?: MyCategory[];
  link_csv?: string;
  link_parquet?: string;
}

export const MY_LICENSE = 'https://creativecommons.org/licenses/by/4.0/';

/** data_source codes → publisher names (codes not listed are published as the code). */
const AGENCIES: Record<string, string> = {
  DOSM: 'Department of Statistics Malaysia',
  JPN: 'National Registration Department (Jabatan Pendaftaran Negara)',
  MOH: 'Ministry of Health',
  BNM: 'Bank Negara Malaysia',
  MOE: 'Ministry of Education',
  MOHE: 'Ministry of Higher Education',
  MOF: 'Ministry of Finance',
  MOT: 'Ministry of Transport',
  KD: 'Ministry of Digital (Kementerian Digital)',
  JDN: 'National Digital Department (Jabatan Digital Negara)',
  JANM: 'Accountant General’s Department of Malaysia (Jabatan Akauntan Negara Malaysia)',
  NPRA: 'National Pharmaceutical Regulatory Agency',
  KDN: 'Ministry of Home Affairs (Kementerian Dalam Negeri)',
  PDRM: 'Royal Malaysia Police (Polis Diraja Malaysia)',
  AADK: 'National Anti-Drugs Agency (Agensi Antidadah Kebangsaan)',
  Imigresen: 'Immigration Department of Malaysia',
  Penjara: 'Prisons Department of Malaysia (Jabatan Penjara Malaysia)',
  JBG: 'Legal Aid Department (Jabatan Bantuan Guaman)',
  JPJ: 'Road Transport Department (Jabatan Pengangkutan Jalan)',
  KTMB: 'Keretapi Tanah Melayu Berhad',
  Prasarana: 'Prasarana Malaysia Berhad',
  MCMC: 'Malaysian Communications and Multimedia Commission',
  MYNIC: 'MYNIC Berhad',
  PayNet: 'Payments Network Malaysia (PayNet)',
  EPF: 'Employees Provident Fund',
  NRES: 'Ministry of Natural Resources and Environmental Sustainability',
  JAS: 'Department of Environment (Jabatan Alam Sekitar)',
  SPAN: 'National Water Services Commission (SPAN)',
  ST: 'Energy Commission (Suruhanjaya Tenaga)',
  TNB: 'Tenaga Nasional Berhad',
  MAFS: 'Ministry of Agriculture and Food Security',
  DOA: 'Department of Agriculture',
  Perikanan: 'Department of Fisheries (Jabatan Perikanan)',
  Perhutanan: 'Forestry Department (Jabatan Perhutanan)',
  JMG: 'Department of Mineral and Geoscience (Jabatan Mineral dan Geosains)',
  KPDN: 'Ministry of Domestic Trade and Cost of Living (KPDN)',
  KPKT: 'Ministry of Local Government Development (KPKT)',
  PDN: 'National Blood Centre (Pusat Darah Negara)',
  NTRC: 'National Transplant Resource Centre',
  PHCorp: 'ProtectHealth Corporation',
  AUDIT: 'National Audit Department',
  Parlimen: 'Parliament of Malaysia',
  MYSA: 'Malaysian Space Agency',
};

/** site_category → EU data themes; subcategories may add a more specific theme. */
const CATEGORY_THEMES: Record<string, string> = {
  Demography: 'SOCI', Households: 'SOCI', 'Public Welfare': 'SOCI',
  Healthcare: 'HEAL', 'Healthcare Programs': 'HEAL', 'Healthcare Accounts': 'HEAL', 'Infectious Diseases': 'HEAL',
  Regulation: 'HEAL', // only used by the health-ministry (kkmnow) site, for drug and cosmetic registers
  'National Accounts': 'ECON', Prices: 'ECON', 'Labour Markets': 'ECON', 'Economic Sectors': 'ECON',
  'Financial Markets': 'ECON', // 'Statistical Indicators' mixes SDG goals: themed by subcategory only
  'Public Administration': 'GOVE', Metadata: 'GOVE', 'Data Dictionaries': 'GOVE',
  Transportation: 'TRAN', 'Public Safety': 'JUST', Environment: 'ENVI', Education: 'EDUC', Communications: 'TECH',
};
const SUBCATEGORY_THEMES: Record<string, string> = {
  'Economic Indicators': 'ECON', Agriculture: 'AGRI', Energy: 'ENER', Income: 'ECON', Expenditure: 'ECON', 'Public Finance': 'ECON',
  'Digital Services': 'TECH', 'Digital Infrastructure': 'TECH', Telecommunications: 'TECH',
};

/**
 * Verified derivations: [downstream, upstream, job]. Each pair is stated in the
 * downstream dataset's methodology ("derived from", "aggregated from", "a subset
 * of", "calculated by summing … origin-destination pairs"). Deliberately absent:
 * births → births_annual (DOSM vital statistics from registration forms, 2000– with
 * rates, not a rollup of the JPN daily series from 1920) and national → *_state
 * (state tables are the finer grain; the catalogue states no derivation either way).
 */
const KTMB_OD = ['ridership_od_ets', 'ridership_od_intercity', 'ridership_od_komuter', 'ridership_od_komuter_utara', 'ridership_od_shuttle_tebrau'];
export const MY_LINEAGE: [string, string, string][] = [
  ['registrations_type_fuel', 'registration_transactions_all', 'jpj.vehicle_registrations.monthly_rollup'],
  ['government_apps_active', 'government_apps', 'jdn.government_apps.monthly_rollup'],
  ['deaths_early_childhood', 'deaths', 'dosm.deaths.early_childhood_subset'],
  ['deaths_early_childhood', 'stillbirths', 'dosm.deaths.perinatal_with_stillbirths'],
  ['deaths_early_childhood_sex', 'deaths', 'dosm.deaths.early_childhood_subset'],
  ['deaths_early_childhood_state', 'deaths_state', 'dosm.deaths.early_childhood_subset'],
  ['deaths_early_childhood_state_sex', 'deaths_state', 'dosm.deaths.early_childhood_subset'],
  ...KTMB_OD.map((od): [string, string, string] => ['ridership_ktmb_daily', od, 'ktmb.ridership.daily_rollup']),
  ...KTMB_OD.map((od): [string, string, string] => ['ridership_ktmb_monthly', od, 'ktmb.ridership.monthly_rollup']),
  ...KTMB_OD.map((od): [string, string, string] => ['ridership_headline', od, 'ktmb.ridership.headline_rollup']),
];

/** "2023-09-09 08:00" → "2023-09-09T08:00:00+08:00" (Malaysia time); other shapes as below. */
export function toIsoMalaysiaTime(value: string | undefined): string | undefined {
  const text = value?.trim() ?? '';
  const local = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})$/.exec(text);
  if (local) return `${local[1]}T${local[2]}:00+08:00`;
  const withZone = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) ?([+-]\d{2}:\d{2})$/.exec(text);
  if (withZone) return `${withZone[1]}T${withZone[2]}${withZone[3]}`;
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined;
}

function year(value: number | string | undefined): string | undefined {
  const text = String(value ?? '').trim();
  return /^\d{4}$/.test(text) ? text : undefined;
}

function bilingual(ms: string | undefined, en: string | undefined): Record<string, string> | undefined {
  const text = { ms: ms?.trim() ?? '', en: en?.trim() ?? '' };
  return text.ms || text.en ? text : undefined;
}

export function keywordsFor(source: MyDataset): string[] {
  const terms = (source.site_category ?? []).flatMap((c) => [c.category_en, c.category_ms, c.subcategory_en, c.subcategory_ms]);
  terms.push(source.frequency?.toLowerCase());
  const seen = new Map<string, string>();
  for (const term of terms) if (term?.trim() && !seen.has(term.trim().toLowerCase())) seen.set(term.trim().toLowerCase(), term.trim());
  return [...seen.values()];
}

export function themesFor(categories: MyCategory[] = []): string[] {
  const themes = categories.flatMap((c) => [CATEGORY_THEMES[c.category_en ?? ''], SUBCATEGORY_THEMES[c.subcategory_en ?? '']]);
  return [...new Set(themes.filter((theme): theme is string => !!theme))].sort();
}

function distribution(title: string, format: string, mediaType: string, link: string | undefined, landingPage: string) {
  return link?.trim() ? { title, format, mediaType, accessUrl: landingPage, downloadUrl: link.trim() } : undefined;
}

export function toDatasetFile(id: string, source: MyDataset): DatasetFile | string {
  const title = bilingual(source.title_ms, source.title_en);
  const description = bilingual(source.description_ms, source.description_en) ?? title;
  if (!title || !description) return 'no title in either language';
  const code = source.data_source?.[0]?.trim();
  const [start, end] = [year(source.dataset_begin), year(source.dataset_end)];
  const landingPage = `https://data.gov.my/data-catalogue/${id}`;
  return {
    identifier: id,
    language: 'ms',
    title,
    description,
    keywords: keywordsFor(source),
    themes: themesFor(source.site_category),
    publisher: code ? { name: AGENCIES[code] ?? code } : undefined,
    license: MY_LICENSE,
    spatial: ['MY'],
    temporal: start && end && start > end ? undefined : { start, end },
    accrualPeriodicity: source.frequency?.trim().toUpperCase(),
    landingPage,
    modified: toIsoMalaysiaTime(source.last_updated),
    distributions: [
      distribution('CSV file', 'CSV', 'text/csv', source.link_csv, landingPage),
      distribution('Parquet file', 'PARQUET', 'application/vnd.apache.parquet', source.link_parquet, landingPage),
    ].filter((item) => item !== undefined),
    lineage: MY_LINEAGE.filter(([downstream]) => downstream === id)
      .map(([, upstream, job]) => ({ upstream: `MY:${upstream}`, job }))
      .sort((a, b) => a.upstream.localeCompare(b.upstream)),
  };
}

/** Source fields the converter had to drop or could not read, reported per dataset. */
function qualityNotes(id: string, source: MyDataset, file: DatasetFile): string[] {
  const notes: string[] = [];
  if (!file.modified) notes.push(`${id}: last_updated ${JSON.stringify(source.last_updated)} is not a date, modified omitted`);
  if (!file.temporal?.start || !file.temporal.end) {
    notes.push(`${id}: dataset_begin/end ${JSON.stringify([source.dataset_begin, source.dataset_end])} unusable, temporal incomplete`);
  }
  if (!file.publisher) notes.push(`${id}: no data_source, publisher omitted`);
  return notes;
}

export function convertMy(sourceDir: string): Conversion {
  const catalogueDir = join(sourceDir, 'data-catalogue');
  const files = readdirSync(catalogueDir).filter((name) => name.endsWith('.json')).sort();
  const ids = new Set(files.map((name) => basename(name, '.json')));
  const datasets: DatasetFile[] = [];
  const skipped: Skip[] = [];
  const notes: string[] = [];
  for (const name of files) {
    const id = basename(name, '.json');
    let source: unknown;
    try {
      source = JSON.parse(readFileSync(join(catalogueDir, name), 'utf8'));
    } catch (error) {
      skipped.push({ id, reason: `unreadable JSON (${(error as Error).message})` });
      continue;
    }
    if (source === null || typeof source !== 'object' || Array.isArray(source)) {
      skipped.push({ id, reason: 'not a JSON object' });
      continue;
    }
    let result: DatasetFile | string;
    try {
      result = toDatasetFile(id, source as MyDataset);
    } catch (error) {
      result = `malformed field (${(error as Error).message})`;
    }
    if (typeof result === 'string') {
      skipped.push({ id, reason: result });
      continue;
    }
    notes.push(...qualityNotes(id, source as MyDataset, result));
    const lineage = result.lineage.filter((edge) => ids.has(edge.upstream.slice('MY:'.length)));
    if (lineage.length < result.lineage.length) notes.push(`${id}: lineage upstream missing from the catalogue, edge dropped`);
    datasets.push({ ...result, lineage });
  }
  return {
    datasets,
    skipped,
    notes,
    attribution: {
      LICENSE: readFileSync(join(sourceDir, 'LICENSE')),
      'SOURCE.txt': readFileSync(join(sourceDir, 'SOURCE.txt')),
    },
  };
}
