/**
 * Synthetic catalogue records for benchmarks and large tests.
 *
 * Deterministic: the same (count, seed) always yields the same records, and a
 * shorter run is a prefix of a longer one (record n never depends on count).
 * Records look like the demo subgraphs': eight regions, each in its own
 * language plus English (Portuguese on some Macao records), titles composed
 * from shared subject/place/frequency vocabularies (a few words are common,
 * many are rare), 30+ real agency names, EU themes, distributions, and
 * lineage edges to earlier records (some across regions).
 *
 * `iterateDatasets` streams (it keeps only the last 256 ids per region, for
 * lineage), so a benchmark can index a million records without holding them.
 */
import { revisionOf, type DatasetRecord, type DistributionRecord, type LocalizedText } from '../schema/datasetRecord.ts';
import { mulberry32 } from './measure.ts';
import {
  dimensionRows,
  domainRows,
  formats,
  formatWeights,
  frequencyRows,
  frequencyWeights,
  kindRows,
  qualifierRows,
  regions,
  subjectRows,
  toTraditional,
  type Lang,
  type Region,
} from './datasetVocabulary.ts';

export { vocabulary, type Lang, type Translations } from './datasetVocabulary.ts';

/** A sampler over `weights` (cumulative table + binary search). */
function weighted(weights: readonly number[]): (r: number) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return (r) => {
    const x = r * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid; else lo = mid + 1;
    }
    return lo;
  };
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const day = 86_400_000;
const from2015 = Date.UTC(2015, 0, 1);
const span2015to2026 = (Date.UTC(2026, 11, 31) - from2015) / day;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Publisher { code: string; domains: string[]; name: string; local: string; en: string; host: string }
interface PreparedRegion extends Region {
  placeTexts: { en: string; local: string; pt: string }[];
  pubs: Publisher[];
  pubsByDomain: Map<string, Publisher[]>;
}
const prepared: PreparedRegion[] = regions.map((region) => {
  const pubs = region.publishers.map((line) => {
    const [code = '', domains = '', local = '', en = '', host = ''] = line.split('|');
    return { code, domains: domains.split(','), local: local || en, en, host, name: local ? `${local} (${en})` : en };
  });
  const pubsByDomain = new Map<string, Publisher[]>();
  for (const pub of pubs) for (const d of pub.domains) pubsByDomain.set(d, [...(pubsByDomain.get(d) ?? []), pub]);
  const placeTexts = region.places.map((place) => {
    const [en = place, local = en, pt = en] = place.split('|');
    return { en, local, pt };
  });
  return { ...region, pubs, pubsByDomain, placeTexts };
});

const domainOf = new Map(domainRows.map((row) => [row.lead[0]!, { themes: row.lead[1]!.split(' '), keyword: row.t }]));
// Subjects follow a shuffled Zipf-like law: a few are common, many are rare.
const pickSubject = weighted(subjectRows.map((_, i) => 1 / (1 + ((i * 37) % subjectRows.length))));
const pickFrequency = weighted(frequencyWeights);
const pickKind = weighted(kindRows.map((row) => Number(row.lead[0])));
const pickRegion = weighted(regions.map((region) => region.weight));
const pickFormat = weighted(formatWeights);

/** Composes a title in `lang` (own-language word order; Thai years in the Buddhist era). */
function composeTitle(lang: Lang, subject: string, freq: string, place: string, year: number, kind?: string, qualifier?: string): string {
  const q = qualifier ? ` (${qualifier})` : '';
  switch (lang) {
    case 'zh': return `${place}${year}年${freq}${subject}${kind ?? ''}${qualifier ? `（${qualifier}）` : ''}`;
    case 'vi': return cap(`${kind ? `${kind} ` : ''}${subject} ${freq} ${place} năm ${year}`) + q;
    case 'th': return `${kind ? `${kind} ` : ''}${subject} ${freq} ${place} ปี ${year + 543}${q}`;
    case 'ms': return cap(`${kind ? `${kind} ` : ''}${subject} ${freq}, ${place} ${year}`) + q;
    case 'id': return cap(`${kind ? `${kind} ` : ''}${subject} ${freq} ${place} tahun ${year}`) + q;
    case 'pt': return `${cap(subject)}${kind ? ` — ${kind}` : ''} (${freq}), ${place}, ${year}${q}`;
    default: return `${cap(freq)} ${subject}${kind ? ` ${kind}` : ''}, ${place} ${year}${q}`;
  }
}

/** One to three description sentences in `lang`. */
function composeDescription(lang: Lang, s: { subject: string; freq: string; place: string; from: number; to: number; d1: string; d2: string; publisher: string; sentences: number }): string {
  const { subject, freq, place, from, to, d1, d2, publisher, sentences } = s;
  const parts: string[] = [];
  switch (lang) {
    case 'zh': parts.push(`${place}${from}—${to}年${freq}${subject}数据。`, `按${d1}和${d2}分组。`, `由${publisher}根据行政记录和调查汇编。`); break;
    case 'vi': parts.push(`${cap(subject)} ${freq} của ${place}, giai đoạn ${from}–${to}.`, `Phân theo ${d1} và ${d2}.`, `Do ${publisher} tổng hợp từ hồ sơ hành chính và điều tra.`); break;
    case 'ms': parts.push(`${cap(subject)} ${freq} bagi ${place}, ${from}–${to}.`, `Dipecahkan mengikut ${d1} dan ${d2}.`, `Disusun oleh ${publisher} daripada rekod pentadbiran dan tinjauan.`); break;
    case 'th': parts.push(`${subject} ${freq} ของ ${place} ปี ${from + 543}–${to + 543}`, `จำแนกตาม ${d1} และ ${d2}`, `จัดทำโดย ${publisher} จากข้อมูลทะเบียนและการสำรวจ`); break;
    case 'id': parts.push(`${cap(subject)} ${freq} untuk ${place}, ${from}–${to}.`, `Dirinci menurut ${d1} dan ${d2}.`, `Disusun oleh ${publisher} dari catatan administrasi dan survei.`); break;
    case 'pt': parts.push(`${cap(subject)} (${freq}) de ${place}, ${from}–${to}.`, `Desagregado por ${d1} e ${d2}.`, `Compilado por ${publisher} a partir de registos administrativos e inquéritos.`); break;
    default: parts.push(`${cap(freq)} ${subject} for ${place}, ${from}–${to}.`, `Broken down by ${d1} and ${d2}.`, `Compiled by ${publisher} from administrative records and surveys.`);
  }
  return parts.slice(0, sentences).join(lang === 'zh' ? '' : ' ');
}

/**
 * Access attributes, from a PRNG of their own so they do not shift the rest
 * of the data: mostly public, with internal, restricted, confidential,
 * personal and important/core data in realistic shares.
 */
function accessFor(region: string, n: number, seed: number): DatasetRecord['access'] {
  const random = mulberry32((seed * 7919 + n * 104729) >>> 0);
  const r = random();
  const tier = r < 0.7 ? 'public' : r < 0.85 ? 'internal' : r < 0.95 ? 'restricted' : 'confidential';
  const p = random();
  const personalData = p < 0.75 ? 'none' : p < 0.9 ? 'personal' : p < 0.95 ? 'sensitive' : 'anonymised';
  const l = random();
  const securityLevel = l < 0.85 ? 'general' : l < 0.97 ? 'important' : 'core';
  const purposes = random() < 0.2 ? ['statistics', 'research'] : [];
  return {
    tier, personalData, securityLevel, residency: region,
    allowedPurposes: purposes, allowedDestinations: [],
    readerRoles: tier === 'restricted' ? ['researcher'] : [],
    obligations: personalData === 'anonymised' ? ['no-reidentification'] : [],
  };
}

/** Streams `count` records; deterministic for a given seed. */
export function* iterateDatasets(count: number, seed = 1): Generator<DatasetRecord> {
  const random = mulberry32(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  // The last ids per region, for lineage edges to earlier records.
  const recent = prepared.map(() => [] as string[]);
  const ring = 256;

  for (let n = 0; n < count; n += 1) {
    const regionIndex = pickRegion(random());
    const region = prepared[regionIndex]!;
    const own = region.lang;
    const subjectIndex = pickSubject(random());
    const subject = subjectRows[subjectIndex]!;
    const domain = domainOf.get(subject.lead[0]!)!;
    const frequency = frequencyRows[pickFrequency(random())]!;
    const place = pick(region.placeTexts);
    const kind = random() < 0.65 ? kindRows[pickKind(random())]!.t : undefined;
    const qualifier = random() < 0.04 ? pick(qualifierRows).t : undefined;
    const specialists = region.pubsByDomain.get(subject.lead[0]!) ?? [];
    const publisher = specialists.length && random() < 0.6 ? pick(specialists) : region.pubs[0]!;
    const modifiedMs = from2015 + int(span2015to2026) * day;
    const issuedMs = Math.max(Date.UTC(2005, 0, 1), modifiedMs - (1 + int(8 * 365)) * day);
    const to = new Date(modifiedMs).getUTCFullYear() - (random() < 0.7 ? 0 : 1);
    const from = Math.max(1990, to - int(20));
    const year = from + int(to - from + 1);
    const dim = int(dimensionRows.length);
    const [d1, d2] = [dimensionRows[dim]!.t, dimensionRows[(dim + 1 + int(dimensionRows.length - 1)) % dimensionRows.length]!.t];
    const sentences = 1 + int(3);

    const textLangs: Lang[] = own === 'en' ? ['en'] : region.code === 'MO' && random() < 0.2 ? [own, 'en', 'pt'] : [own, 'en'];
    const title: LocalizedText[] = [];
    const description: LocalizedText[] = [];
    for (const lang of textLangs) {
      const placeName = lang === own ? place.local : lang === 'pt' ? place.pt : place.en;
      const pubName = lang === own ? publisher.local : publisher.en;
      let t = composeTitle(lang, subject.t[lang], frequency.t[lang], placeName, year, kind?.[lang], qualifier?.[lang]);
      let d = composeDescription(lang, { subject: subject.t[lang], freq: frequency.t[lang], place: placeName, from, to, d1: d1[lang], d2: d2[lang], publisher: pubName, sentences });
      if (region.code === 'MO' && lang === 'zh') [t, d] = [toTraditional(t), toTraditional(d)];
      title.push({ lang, value: t });
      description.push({ lang, value: d });
    }

    // Keywords: the subject (own language and English), the domain, then a few extras.
    const local = (text: string) => (region.code === 'MO' ? toTraditional(text) : text);
    const keywords = new Set([local(subject.t[own]), subject.t.en, local(domain.keyword[own])].map((k) => k.toLowerCase()));
    for (let k = int(4); k > 0; k -= 1) {
      const r = random();
      keywords.add((r < 0.3 ? domain.keyword.en : r < 0.6 ? place.local : r < 0.85 ? local(pick(subjectRows).t[own]) : local(frequency.t[own])).toLowerCase());
    }
    const themes = random() < 0.5 ? [domain.themes[0]!] : domain.themes.slice(0, 2);

    const identifier = `${publisher.code}-${slug(subject.t.en)}-${frequency.lead[0]!.toLowerCase()}-${n}`;
    const id = `${region.code}:${identifier}`;
    const landingPage = `https://${publisher.host}/dataset/${identifier}`;
    const distributions: DistributionRecord[] = [];
    const used = new Set<number>();
    for (let k = 1 + int(3); k > 0; k -= 1) {
      const f = pickFormat(random());
      if (used.has(f)) continue;
      used.add(f);
      const [format, mediaType, ext] = formats[f]!;
      distributions.push(ext
        ? { title: `${title[0]!.value} (${format})`, format, mediaType, accessUrl: landingPage, downloadUrl: `https://${publisher.host}/files/${identifier}.${ext}`, byteSize: 1_000 + int(50_000_000) }
        : { title: `${title[0]!.value} (${format})`, format, mediaType, accessUrl: `https://api.${publisher.host.replace(/^www\./, '')}/v1/${identifier}` });
    }

    const lineage: { upstream: string; job?: string }[] = [];
    if (random() < 0.3) {
      for (let k = 1 + int(3); k > 0; k -= 1) {
        const pool = random() < 0.7 ? recent[regionIndex]! : pick(recent);
        if (!pool.length) continue;
        const upstream = pick(pool);
        if (lineage.some((edge) => edge.upstream === upstream)) continue;
        lineage.push(random() < 0.6 ? { upstream, job: `dbt.${publisher.code}.${slug(subject.t.en).replace(/-/g, '_')}` } : { upstream });
      }
    }
    const pool = recent[regionIndex]!;
    if (pool.length < ring) pool.push(id); else pool[n % ring] = id;

    // Same key order as toDatasetRecord, so equal content gives an equal revision.
    const content: Omit<DatasetRecord, 'revision'> = {
      id, region: region.code, identifier, language: own, title, description,
      keywords: [...keywords].slice(0, 6), themes,
      publisher: { name: publisher.name, url: `https://${publisher.host}/` },
      contactPoint: { email: `opendata@${publisher.host.replace(/^www\./, '')}` },
      license: pick(region.licenses), spatial: [region.code],
      temporal: { start: String(from), end: String(to) },
      accrualPeriodicity: frequency.lead[0]!, landingPage,
      issued: isoDay(issuedMs), modified: isoDay(modifiedMs), distributions, lineage,
      access: accessFor(region.code, n, seed),
      identifiers: [],
    };
    yield { ...content, revision: revisionOf(content) };
  }
}

/** `count` records as an array (see `iterateDatasets` to stream). */
export function generateDatasets(count: number, seed = 1): DatasetRecord[] {
  return Array.from(iterateDatasets(count, seed));
}
