import { createHash } from 'node:crypto';
import type * as Generated from '../generated/operations.ts';

/**
 * Each operation's answer (`data`) and variables, as GraphQL Code Generator
 * writes them from the texts below (`npm run codegen`): a tool reading a
 * field its operation does not select, or a schema change that breaks one,
 * fails the type check.
 */
export interface McpOperationTypes {
  WharfMcpCaller: { data: Generated.WharfMcpCallerQuery; variables: Generated.WharfMcpCallerQueryVariables };
  WharfMcpSearch: { data: Generated.WharfMcpSearchQuery; variables: Generated.WharfMcpSearchQueryVariables };
  WharfMcpResourcePage: { data: Generated.WharfMcpResourcePageQuery; variables: Generated.WharfMcpResourcePageQueryVariables };
  WharfMcpSuggest: { data: Generated.WharfMcpSuggestQuery; variables: Generated.WharfMcpSuggestQueryVariables };
  WharfMcpDataset: { data: Generated.WharfMcpDatasetQuery; variables: Generated.WharfMcpDatasetQueryVariables };
  WharfMcpAccess: { data: Generated.WharfMcpAccessQuery; variables: Generated.WharfMcpAccessQueryVariables };
  WharfMcpLineage: { data: Generated.WharfMcpLineageQuery; variables: Generated.WharfMcpLineageQueryVariables };
  WharfMcpRegions: { data: Generated.WharfMcpRegionsQuery; variables: Generated.WharfMcpRegionsQueryVariables };
  WharfMcpCrossBorderFlows: { data: Generated.WharfMcpCrossBorderFlowsQuery; variables: Generated.WharfMcpCrossBorderFlowsQueryVariables };
}

export type McpOperationName = keyof McpOperationTypes;

/**
 * Every GraphQL operation the MCP tools and resources run, by name. Fixed
 * texts: a tool's arguments go into variables, never into the text, so an
 * MCP client can only ask what these operations ask, as its own consumer.
 * They are sent as automatic persisted queries (their SHA-256), registered in
 * the gateway's store when it starts; a store that lost one gets the text once.
 */
export const mcpOperations = {
  /** Runs nothing: the gateway's identity step names the caller and counts the request (see `mcpPlugin`). */
  WharfMcpCaller: /* GraphQL */ `query WharfMcpCaller { __typename }`,
  WharfMcpSearch: /* GraphQL */ `query WharfMcpSearch($query: String, $filter: SearchFilter, $first: Int, $after: String, $lang: String) {
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
  WharfMcpResourcePage: /* GraphQL */ `query WharfMcpResourcePage($first: Int, $after: String) {
  search(first: $first, after: $after, sort: MODIFIED, facetLimit: 1) {
    pageInfo { hasNextPage endCursor }
    edges { node { id region title description modified } }
  }
}`,
  WharfMcpSuggest: /* GraphQL */ `query WharfMcpSuggest($prefix: String!) {
  suggest(prefix: $prefix, first: 10) { dataset { id } }
}`,
  WharfMcpDataset: /* GraphQL */ `query WharfMcpDataset($id: ID!, $lang: String, $purpose: String) {
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
  WharfMcpAccess: /* GraphQL */ `query WharfMcpAccess($id: ID!, $purpose: String, $lang: String) {
  dataset(id: $id) {
    id title(lang: $lang)
    access(purpose: $purpose) { decision policies missing { kind anyOf reason policy } obligations purpose }
  }
}`,
  WharfMcpLineage: /* GraphQL */ `query WharfMcpLineage($id: ID!, $direction: LineageDirection, $depth: Int, $since: String, $lang: String) {
  lineage(id: $id, direction: $direction, depth: $depth, since: $since) {
    isPartial partialRegions
    nodes { __typename id ... on Dataset { title(lang: $lang) region } ... on ExternalDataset { namespace name } }
    edges { upstream downstream job depth crossBorder fromJurisdiction toJurisdiction runTime }
  }
}`,
  WharfMcpRegions: /* GraphQL */ `query WharfMcpRegions {
  regions {
    code name datasetCount lastHarvestAt lastSuccessAt harvestLagMs lastError stale
    quality { averageScore maxScore band }
  }
}`,
  WharfMcpCrossBorderFlows: /* GraphQL */ `query WharfMcpCrossBorderFlows($from: String, $to: String, $since: String, $first: Int, $lang: String) {
  crossBorderFlows(from: $from, to: $to, since: $since, first: $first) {
    edge { job runTime fromJurisdiction toJurisdiction }
    upstream { __typename id ... on Dataset { title(lang: $lang) region } ... on ExternalDataset { namespace name } }
    downstream { __typename id ... on Dataset { title(lang: $lang) region } ... on ExternalDataset { namespace name } }
  }
}`,
} satisfies Record<McpOperationName, string>;

/** Each operation's SHA-256 (hex), as the persisted-query extension carries it. */
export const mcpOperationHashes = Object.fromEntries(
  Object.entries(mcpOperations).map(([name, query]) => [name, createHash('sha256').update(query).digest('hex')]),
) as Record<McpOperationName, string>;

/** The operation names, for the gateway's metrics (each a bounded label). */
export const mcpOperationNames: readonly string[] = Object.keys(mcpOperations);
