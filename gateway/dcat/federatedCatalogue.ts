import { dataThemeScheme } from '../../subgraphs/shared/dcatVocabularies.ts';
import { hydraNamespace, hydraPageNode, type HydraPageLinks } from '../../subgraphs/shared/rdf/hydraPage.ts';
import { dcatContext } from '../../subgraphs/region/dcat/toDcatDataset.ts';

/** The context of a federated catalogue page: the DCAT-AP prefixes and Hydra's. */
export const federatedContext = { ...dcatContext, hydra: hydraNamespace } as const;

type JsonLdNode = Record<string, unknown>;

/** A region as the catalogue lists it. */
export interface CatalogueRegion {
  code: string;
  name: string;
}

/** The IRI of the gateway's catalogue, `<origin>/dcat`, and of each region's part of it, `<origin>/dcat/regions/<CODE>`. */
export const federatedCatalogueIri = (origin: string) => `${origin.replace(/\/+$/, '')}/dcat`;
export const regionCatalogueIri = (origin: string, code: string) => `${federatedCatalogueIri(origin)}/regions/${encodeURIComponent(code)}`;

const en = (value: string) => ({ '@value': value, '@language': 'en' });
/** The EU data-theme scheme the datasets' `dcat:theme` concepts come from. */
const themeTaxonomy = { '@id': dataThemeScheme, '@type': 'skos:ConceptScheme', 'dct:title': en('Data theme') };

/** One region's catalogue, as a part of the federated one, listing the datasets of this page it holds. */
function regionCatalogueNode(origin: string, region: CatalogueRegion, datasetIris: readonly string[]): JsonLdNode {
  return {
    '@id': regionCatalogueIri(origin, region.code),
    '@type': 'dcat:Catalog',
    'dct:title': en(`${region.name} (Wharf region ${region.code})`),
    'dct:description': en(`The datasets region ${region.code} publishes through Wharf, as its own policies let the caller discover them.`),
    // IRIs, not blank nodes, for what every page repeats: the pages merge into one graph.
    'dct:publisher': { '@id': `${regionCatalogueIri(origin, region.code)}#publisher`, '@type': 'foaf:Agent', 'foaf:name': region.name },
    'dcat:themeTaxonomy': themeTaxonomy,
    ...(datasetIris.length > 0 ? { 'dcat:dataset': datasetIris.map((iri) => ({ '@id': iri })) } : {}),
  };
}

export interface FederatedPage {
  /** The gateway's public origin: the IRIs of the catalogue and its parts. */
  origin: string;
  /** Every region the catalogue holds, each a `dcat:catalog` of the whole. */
  regions: readonly CatalogueRegion[];
  /** When the page is of one region's part only, its code. */
  region?: string;
  /** The page's datasets, each its region's DCAT-AP JSON-LD document (`Dataset.dcat`), with the code of that region. */
  datasets: readonly { region: string; document: JsonLdNode }[];
  paging: HydraPageLinks;
}

/**
 * One page of the gateway's DCAT-AP catalogue as JSON-LD: one
 * `dcat:Catalog` whose `dcat:catalog` are the regions' catalogues, each
 * listing (`dcat:dataset`) the datasets of this page it holds; the datasets
 * as their regions wrote them; and the `hydra:PagedCollection` that links
 * the pages. A page of one region's part has that region's catalogue as
 * its root. The union of every page's triples is the whole catalogue.
 */
export function federatedCataloguePage(page: FederatedPage): JsonLdNode {
  const datasetsOf = (code: string) => page.datasets.filter((dataset) => dataset.region === code).map((dataset) => String(dataset.document['@id']));
  const regions = page.region ? page.regions.filter((region) => region.code === page.region) : page.regions;
  const root: JsonLdNode[] = page.region
    ? []
    : [
        {
          '@id': federatedCatalogueIri(page.origin),
          '@type': 'dcat:Catalog',
          'dct:title': en('Wharf federated catalogue'),
          'dct:description': en('Every region\'s catalogue, federated by Wharf: each region publishes its own datasets, and the caller sees those its policies allow.'),
          'dct:publisher': { '@id': `${federatedCatalogueIri(page.origin)}#publisher`, '@type': 'foaf:Agent', 'foaf:name': `Wharf at ${new URL(page.origin).host}` },
          'dcat:themeTaxonomy': themeTaxonomy,
          'dcat:catalog': regions.map((region) => ({ '@id': regionCatalogueIri(page.origin, region.code) })),
        },
      ];
  return {
    '@context': federatedContext,
    '@graph': [
      ...root,
      ...regions.map((region) => regionCatalogueNode(page.origin, region, datasetsOf(region.code))),
      ...page.datasets.map((dataset) => dataset.document),
      hydraPageNode(page.paging),
    ],
  };
}
