import type { Consumer } from '../../schema/consumer.ts';

/** What catalogue resolvers know of a request: the subgraph passes it to every resolver, whichever file holds it. */
export interface CatalogueContext {
  consumer: Consumer;
}
