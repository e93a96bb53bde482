import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import jsonld from 'jsonld';
import {
  compactFile,
  contactUrl,
  distinct,
  emailAddress,
  identifierOf,
  isoDate,
  isRecord,
  lastSegment,
  localized,
  mapDistribution,
  splitThemes,
  text,
  textOrWebUrl,
  webUrl,
  type Importer,
  type MappedDataset,
} from './importMapping.ts';

const dcat = 'http://www.w3.org/ns/dcat#';
const dct = 'http://purl.org/dc/terms/';
const foaf = 'http://xmlns.com/foaf/0.1/';
const vcard = 'http://www.w3.org/2006/vcard/ns#';
const skos = 'http://www.w3.org/2004/02/skos/core#';
const schemaOrg = 'http://schema.org/';

const bundled = (name: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`./contexts/${name}`, import.meta.url)), 'utf8')) as unknown;
/** Remote contexts DCAT-AP documents name, served from copies in `contexts/` (see its SOURCE.md): an import never goes to the network. */
const contexts = new Map<string, () => unknown>([
  ['https://semiceu.github.io/DCAT-AP/releases/3.0.0/context/dcat-ap.jsonld', () => bundled('dcat-ap-3.jsonld')],
  ['https://semiceu.github.io/DCAT-AP/releases/3.0.1/context/dcat-ap.jsonld', () => bundled('dcat-ap-3.jsonld')],
  ['https://semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.0/html/examples/context.jsonld', () => bundled('dcat-ap-3-examples.jsonld')],
]);

async function documentLoader(url: string) {
  const load = contexts.get(url);
  if (!load) {
    throw new Error(`the JSON-LD context ${url} is not one Wharf bundles (${[...contexts.keys()].join(', ')}); inline it in the document's "@context"`);
  }
  return { contextUrl: undefined, documentUrl: url, document: load() };
}

/** A node of the expanded, flattened graph: full IRIs as keys, every value an array. */
type Node = Record<string, unknown> & { '@id'?: string; '@type'?: string[] };
type Value = { '@value'?: unknown; '@language'?: string; '@id'?: string };

const values = (node: Node | undefined, property: string): Value[] => ((node?.[property] as Value[] | undefined) ?? []).filter(isRecord);

/** The literal texts of `property`, by language (untagged ones in `language`); the first of each language wins. */
function textsByLanguage(node: Node | undefined, property: string, language: string): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const value of values(node, property)) {
    const literal = text(value['@value']);
    const lang = value['@language']?.toLowerCase() ?? language;
    if (literal && texts[lang] === undefined) texts[lang] = literal;
  }
  return texts;
}

/** One text of `property` in `language`, else in any language. */
function oneText(node: Node | undefined, property: string, language: string): string | undefined {
  const texts = textsByLanguage(node, property, language);
  return texts[language] ?? Object.values(texts)[0];
}

/** IRIs (or literal values) of `property`. */
const iris = (node: Node | undefined, property: string): string[] =>
  distinct(values(node, property).map((value) => text(value['@id']) ?? text(value['@value'])));

/**
 * DCAT-AP 3 JSON-LD (and DCAT-AP 2 / plain DCAT in JSON-LD): whatever
 * `@context` the document uses, it is expanded and flattened with the
 * `jsonld` library, and every `dcat:Dataset` node is read by full IRIs.
 * Titles and descriptions keep every language they are given in; EU
 * data-theme IRIs become theme codes, other themes keywords; a
 * distribution's licence (or its `skos:exactMatch`) is the dataset's licence
 * when the dataset names none.
 */
export const importDcatAp: Importer = async (document, { file, language: defaultLanguage }) => {
  if (!isRecord(document) && !Array.isArray(document)) throw new Error(`${file} is not a JSON-LD document.`);
  let flattened: Node[];
  try {
    flattened = (await jsonld.flatten(document as never, undefined, { documentLoader: documentLoader as never })) as unknown as Node[];
  } catch (error) {
    const details = (error as { details?: { cause?: Error } }).details?.cause?.message;
    throw new Error(`${file} cannot be read as JSON-LD: ${details ?? (error as Error).message}`, { cause: error });
  }
  const byId = new Map(flattened.filter((node) => node['@id']).map((node) => [node['@id']!, node]));
  const follow = (node: Node | undefined, property: string): Node[] =>
    values(node, property).flatMap((value) => (value['@id'] ? [byId.get(value['@id']) ?? { '@id': value['@id'] }] : []));

  const datasets: MappedDataset[] = [];
  const nodes = flattened.filter((node) => node['@type']?.includes(`${dcat}Dataset`));
  for (const [index, node] of nodes.entries()) {
    const notes: string[] = [];
    const titles = textsByLanguage(node, `${dct}title`, defaultLanguage);
    const language = [defaultLanguage, ...Object.keys(titles)].find((lang) => titles[lang]) ?? defaultLanguage;
    const source = `${file}#${index}${node['@id'] && !node['@id'].startsWith('_:') ? ` (${node['@id']})` : ''}`;

    const { themes, keywords: themeKeywords } = splitThemes(iris(node, `${dcat}theme`));
    const publisher = follow(node, `${dct}publisher`)[0];
    const contact = follow(node, `${dcat}contactPoint`)[0];
    const givenEmail = iris(contact, `${vcard}hasEmail`)[0];
    const email = emailAddress(givenEmail);
    if (givenEmail && !email) notes.push(`contact e-mail "${givenEmail}" left out: not an e-mail address`);
    const period = follow(node, `${dct}temporal`)[0];
    const start = isoDate(iris(period, `${dcat}startDate`)[0] ?? iris(period, `${schemaOrg}startDate`)[0]);
    const end = isoDate(iris(period, `${dcat}endDate`)[0] ?? iris(period, `${schemaOrg}endDate`)[0]);

    const distributionNodes = follow(node, `${dcat}distribution`);
    const licenseOf = (owner: Node | undefined) =>
      follow(owner, `${dct}license`).map((license) => iris(license, `${skos}exactMatch`)[0] ?? license['@id'])[0];
    const license = licenseOf(node) ?? distributionNodes.map(licenseOf).find(Boolean);
    const distributions = distributionNodes.flatMap((distribution, position) => {
      const mapped = mapDistribution(
        {
          title: oneText(distribution, `${dct}title`, language),
          description: oneText(distribution, `${dct}description`, language),
          format: iris(distribution, `${dct}format`)[0],
          mediaType: iris(distribution, `${dcat}mediaType`)[0],
          accessUrl: iris(distribution, `${dcat}accessURL`)[0],
          downloadUrl: iris(distribution, `${dcat}downloadURL`)[0],
          byteSize: iris(distribution, `${dcat}byteSize`)[0],
        },
        `${position + 1}${distribution['@id'] && !distribution['@id'].startsWith('_:') ? ` (${distribution['@id']})` : ''}`,
        notes,
      );
      return mapped ? [mapped] : [];
    });

    const publisherName = oneText(publisher, `${foaf}name`, language);
    const datasetFile = compactFile({
      language,
      title: localized(titles, language),
      description: localized(textsByLanguage(node, `${dct}description`, defaultLanguage), language),
      keywords: distinct([...values(node, `${dcat}keyword`).map((value) => text(value['@value'])), ...themeKeywords]),
      themes,
      publisher: publisherName ? compactFile({ name: publisherName, url: webUrl(iris(publisher, `${foaf}homepage`)[0], 'publisher homepage', notes) }) : undefined,
      contactPoint: contact
        ? compactFile({ name: oneText(contact, `${vcard}fn`, language) ?? oneText(contact, `${vcard}organization-name`, language), email, url: contactUrl(iris(contact, `${vcard}hasURL`)[0], 'contact URL', notes) })
        : undefined,
      license: textOrWebUrl(license, 'licence', notes),
      spatial: iris(node, `${dct}spatial`).filter((iri) => !iri.startsWith('_:')),
      temporal: start || end ? compactFile({ start, end }) : undefined,
      accrualPeriodicity: iris(node, `${dct}accrualPeriodicity`).map(lastSegment)[0],
      landingPage: webUrl(iris(node, `${dcat}landingPage`)[0], 'landing page', notes),
      issued: isoDate(iris(node, `${dct}issued`)[0]),
      modified: isoDate(iris(node, `${dct}modified`)[0]),
      distributions,
    });
    if (datasetFile.contactPoint && Object.keys(datasetFile.contactPoint as object).length === 0) delete datasetFile.contactPoint;
    const identifier = identifierOf(iris(node, `${dct}identifier`)[0]) ?? (node['@id']?.startsWith('_:') ? undefined : identifierOf(node['@id']));
    datasets.push({ source, identifier, file: datasetFile, notes });
  }
  // Series group datasets; they are not datasets themselves, and saying so beats leaving them out silently.
  const skipped = flattened
    .filter((node) => node['@type']?.includes(`${dcat}DatasetSeries`) && !node['@type']?.includes(`${dcat}Dataset`))
    .map((node, index) => ({ source: `${file}#series${index}${node['@id'] && !node['@id'].startsWith('_:') ? ` (${node['@id']})` : ''}`, reason: 'a dcat:DatasetSeries, not a dataset' }));
  return { datasets, skipped };
};
