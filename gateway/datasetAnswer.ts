/**
 * A dataset's catalogue metadata as a GraphQL answer gives it, selected by
 * these field names (schema/catalogue.graphql). What the gateway itself
 * queries the API for (MCP tools, CKAN's API, the dataset page) picks from
 * this and adds its own selections.
 */
export interface DatasetMetadataAnswer {
  id: string;
  region: string;
  identifier: string;
  title: string;
  description: string;
  language: string;
  keywords: string[];
  themes: string[];
  publisher: { name: string; url: string | null } | null;
  contactPoint: { name: string | null; email: string | null; url: string | null } | null;
  license: string | null;
  spatial: string[];
  temporal: { start: string | null; end: string | null } | null;
  accrualPeriodicity: string | null;
  landingPage: string | null;
  issued: string | null;
  modified: string | null;
}
