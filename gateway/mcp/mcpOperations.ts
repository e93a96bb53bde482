import { createHash } from 'node:crypto';

/**
 * Every GraphQL operation the MCP tools and resources run, by name. Fixed
 * texts: a tool's arguments go into variables, never into the text, so an
 * MCP client can only ask what these operations ask, as its own consumer.
 * They are sent as automatic persisted queries (their SHA-256), registered in
 * the gateway's store when it starts; a store that lost one gets the text once.
 */
export const mcpOperations = {
  /** Runs nothing: the gateway's identity step names the caller and counts the request (see `mcpPlugin`). */
  WharfMcpCaller: `query WharfMcpCaller { __typename }`,
  WharfMcpSearch: `query WharfMcpSearch($query: String, $filter: SearchFilter, $first: Int, $after: String, $lang: String) {
  search(query: $query, filter: $filter, first: $first, after: $after, facetLimit: 10) {
    totalCount
    pageInfo { hasNextPage endCursor }
    facets { field values { value count } }
    edges {
      node {
        id region title(lang: $lang) description(lang: $lang) themes license modified
        publisher { name }
        distributions { format }
        access { decision }
      }
    }
  }
}`,
  /** Resources are listed from the catalogue alone: no region is asked for a page of names. */
  WharfMcpResourcePage: `query WharfMcpResourcePage($first: Int, $after: String) {
  search(first: $first, after: $after, sort: MODIFIED, facetLimit: 1) {
    pageInfo { hasNextPage endCursor }
    edges { node { id region title description modified } }
  }
}`,
  WharfMcpSuggest: `query WharfMcpSuggest($prefix: String!) {
  suggest(prefix: $prefix, first: 10) { dataset { id } }
}`,
  WharfMcpDataset: `query WharfMcpDataset($id: ID!, $lang: String, $purpose: String) {
  dataset(id: $id) {
    id region identifier title(lang: $lang) description(lang: $lang) language keywords themes
    publisher { name url } contactPoint { name email url } license spatial temporal { start end }
    accrualPeriodicity landingPage issued modified
    classification { tier personalData securityLevel residency }
    distributions { title format mediaType accessUrl downloadUrl byteSize }
    access(purpose: $purpose) { decision purpose }
    quality { score maxScore band dimensions { dimension score maxScore missing } }
  }
}`,
  WharfMcpAccess: `query WharfMcpAccess($id: ID!, $purpose: String, $lang: String) {
  dataset(id: $id) {
    id title(lang: $lang)
    access(purpose: $purpose) { decision policies missing { kind anyOf reason policy } obligations purpose }
  }
}`,
  WharfMcpLineage: `query WharfMcpLineage($id: ID!, $direction: LineageDirection, $depth: Int, $since: String, $lang: String) {
  lineage(id: $id, direction: $direction, depth: $depth, since: $since) {
    isPartial partialRegions
    nodes { __typename id ... on Dataset { title(lang: $lang) region } ... on ExternalDataset { namespace name } }
    edges { upstream downstream job depth crossBorder fromJurisdiction toJurisdiction runTime }
  }
}`,
  WharfMcpRegions: `query WharfMcpRegions {
  regions {
    code name datasetCount lastHarvestAt lastSuccessAt harvestLagMs lastError stale
    quality { averageScore maxScore band }
  }
}`,
  WharfMcpCrossBorderFlows: `query WharfMcpCrossBorderFlows($from: String, $to: String, $since: String, $first: Int, $lang: String) {
  crossBorderFlows(from: $from, to: $to, since: $since, first: $first) {
    edge { job runTime fromJurisdiction toJurisdiction }
    upstream { __typename id ... on Dataset { title(lang: $lang) region } ... on ExternalDataset { namespace name } }
    downstream { __typename id ... on Dataset { title(lang: $lang) region } ... on ExternalDataset { namespace name } }
  }
}`,
} as const;

export type McpOperationName = keyof typeof mcpOperations;

/** Each operation's SHA-256 (hex), as the persisted-query extension carries it. */
export const mcpOperationHashes = Object.fromEntries(
  Object.entries(mcpOperations).map(([name, query]) => [name, createHash('sha256').update(query).digest('hex')]),
) as Record<McpOperationName, string>;

/** The operation names, for the gateway's metrics (each a bounded label). */
export const mcpOperationNames: readonly string[] = Object.keys(mcpOperations);
