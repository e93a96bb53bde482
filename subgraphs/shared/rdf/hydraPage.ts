/** The Hydra Core vocabulary, whose `PagedCollection` says how a paged DCAT catalogue continues. */
export const hydraNamespace = 'http://www.w3.org/ns/hydra/core#';

export interface HydraPageLinks {
  /** This page's URL: the node's IRI. */
  current: string;
  first: string;
  /** Absent on the last page. */
  next?: string;
  /** Absent on the first page. */
  previous?: string;
  /** Absent when the number of pages is not known. */
  last?: string;
  /** Datasets across every page; absent when not known. */
  totalItems?: number;
  /** The most datasets a page holds. */
  itemsPerPage: number;
}

/**
 * A page's `hydra:PagedCollection` node (JSON-LD, `hydra:` prefix), as
 * ckanext-dcat writes it: the page URLs as plain literals, under both the
 * current names (`hydra:next`, …) and the deprecated ones (`hydra:nextPage`,
 * …) that ckanext-dcat's and data.europa.eu's harvesters still read.
 */
export function hydraPageNode(links: HydraPageLinks): Record<string, unknown> {
  const node: Record<string, unknown> = { '@id': links.current, '@type': 'hydra:PagedCollection' };
  const pairs: [keyof HydraPageLinks, string, string][] = [
    ['first', 'hydra:first', 'hydra:firstPage'],
    ['next', 'hydra:next', 'hydra:nextPage'],
    ['previous', 'hydra:previous', 'hydra:previousPage'],
    ['last', 'hydra:last', 'hydra:lastPage'],
  ];
  for (const [key, current, deprecated] of pairs) {
    const url = links[key];
    if (typeof url === 'string') node[current] = node[deprecated] = url;
  }
  if (links.totalItems !== undefined) node['hydra:totalItems'] = links.totalItems;
  node['hydra:itemsPerPage'] = links.itemsPerPage;
  return node;
}
