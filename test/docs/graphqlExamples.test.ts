import { describe, expect, it } from 'vitest';
import { consumerSchema, graphqlBlocks, invalidGraphqlBlocks } from './graphqlBlocks.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './markdownLinks.ts';

/** The pages whose GraphQL a consumer is told to paste. */
const pages = ['README.md', 'docs/api.md'];

describe('GraphQL in README.md and docs/api.md', () => {
  const schema = consumerSchema();

  it('both pages have GraphQL examples', () => {
    for (const page of pages) expect(graphqlBlocks(readFileSync(join(repositoryRoot, page), 'utf8')).length, page).toBeGreaterThan(0);
  });

  it('every graphql block validates against the composed schema consumers query', () => {
    expect(invalidGraphqlBlocks(pages, schema)).toEqual([]);
  });

  it('the check names the line of a field the schema does not have', () => {
    const block = graphqlBlocks('text\n\n```graphql\n{\n  search(query: "x") { totalCount nope }\n}\n```\n');
    expect(block).toEqual([{ line: 4, text: '{\n  search(query: "x") { totalCount nope }\n}' }]);
  });
});
