import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';

/** Where the committed contracts live. */
export const schemaDir = fileURLToPath(new URL('.', import.meta.url));
export const regionContractPath = `${schemaDir}region.graphql`;
export const catalogueSdlPath = `${schemaDir}catalogue.graphql`;
export const supergraphPath = `${schemaDir}supergraph.graphql`;

/**
 * Subgraph URLs written into the supergraph. Both are reserved `.invalid`
 * names: the gateway routes `catalogue` in-process and `regions` through the
 * partition router, so nothing may ever resolve these hosts. If an override
 * were lost, a request fails instead of reaching an unintended server.
 */
export const catalogueSubgraphUrl = 'http://catalogue.invalid/graphql';
export const regionsSubgraphUrl = 'http://regions.invalid/graphql';

export function readRegionContract(): string {
  return readFileSync(regionContractPath, 'utf8');
}

export function readCatalogueSdl(): string {
  return readFileSync(catalogueSdlPath, 'utf8');
}

/**
 * Composes the catalogue SDL and the region contract (once, as the logical
 * subgraph `regions`) into supergraph SDL. Throws with every composition
 * error when they do not compose.
 */
export function composeSupergraph(
  catalogueSdl = readCatalogueSdl(),
  regionSdl = readRegionContract(),
): string {
  const result = composeServices([
    { name: 'catalogue', url: catalogueSubgraphUrl, typeDefs: parse(catalogueSdl) },
    { name: 'regions', url: regionsSubgraphUrl, typeDefs: parse(regionSdl) },
  ]);
  if (compositionHasErrors(result)) {
    const messages = result.errors.map((error) => `  - ${error.message}`).join('\n');
    throw new Error(`The supergraph does not compose:\n${messages}`);
  }
  return `# Composed by \`npm run compose\` from catalogue.graphql and region.graphql. Do not edit.\n${result.supergraphSdl}\n`;
}
