/**
 * The GraphQL operations the `<wharf-search>` component sends, by name. The
 * component sends only their SHA-256 (automatic persisted queries); the
 * gateway registers them in its APQ store when it starts, so a portal's
 * requests are short, cacheable GETs from the first one. Changing a text
 * changes its hash: old bundles keep working through the APQ fallback.
 */
export const searchOperations = {
  WharfSearch: /* GraphQL */ `query WharfSearch($query: String, $filter: SearchFilter, $sort: SearchSort, $first: Int, $after: String, $lang: String) {
  search(query: $query, filter: $filter, sort: $sort, first: $first, after: $after, facetLimit: 8) {
    totalCount
    pageInfo { hasNextPage endCursor }
    facets { field values { value count } }
    edges {
      cursor
      highlights { field lang snippet }
      matchedLanguages
      crossLingual
      variants { format }
      node {
        id
        region
        title(lang: $lang)
        titleTranslations { lang value }
        language
        publisher { name }
        modified
        distributions { format }
        access { decision obligations missing { kind } }
      }
    }
  }
}`,
  WharfSuggest: /* GraphQL */ `query WharfSuggest($prefix: String!, $lang: String) {
  suggest(prefix: $prefix, first: 5, lang: $lang) { text dataset { id } }
}`,
} as const;

export type SearchOperationName = keyof typeof searchOperations;

/** An operation as the component sends it: its name, text and SHA-256 (hex). */
export interface PersistedOperation {
  name: string;
  query: string;
  sha256Hash: string;
}
