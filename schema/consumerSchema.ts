import { buildSchema, parse, type GraphQLSchema } from 'graphql';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';
import { catalogueSubgraphUrl, readCatalogueSdl, readRegionContract, regionsSubgraphUrl } from './composeSupergraph.ts';

/**
 * The schema consumers see: the catalogue and the region contract composed
 * as the gateway composes them, federation's own types and directives left
 * out (the composition's public SDL). The documentation's examples and the
 * gateway's own operations are checked against it.
 */
export function consumerSchema(): GraphQLSchema {
  const result = composeServices([
    { name: 'catalogue', url: catalogueSubgraphUrl, typeDefs: parse(readCatalogueSdl()) },
    { name: 'regions', url: regionsSubgraphUrl, typeDefs: parse(readRegionContract()) },
  ]);
  if (compositionHasErrors(result)) throw new Error(`The supergraph does not compose: ${result.errors.map((error) => error.message).join('; ')}`);
  return buildSchema(result.publicSdl);
}
