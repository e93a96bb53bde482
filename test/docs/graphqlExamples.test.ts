import { describe, expect, it } from 'vitest';
import { consumerSchema } from '../../schema/consumerSchema.ts';
import { graphqlBlocks, invalidGraphqlBlocks } from './graphqlBlocks.ts';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentationFiles, repositoryRoot } from './markdownLinks.ts';

/** The pages whose GraphQL a consumer is told to paste; every other page's GraphQL is checked too. */
const pastedFrom = ['README.md', 'docs/api.md'];

describe('GraphQL in README.md, docs/api.md and every other page', () => {
  const schema = consumerSchema();

  it('README.md and docs/api.md have GraphQL examples', () => {
    for (const page of pastedFrom) expect(graphqlBlocks(readFileSync(join(repositoryRoot, page), 'utf8')).length, page).toBeGreaterThan(0);
  });

  it('every graphql block validates against the composed schema consumers query', () => {
    expect(invalidGraphqlBlocks(documentationFiles(), schema)).toEqual([]);
  });

  it('the check finds a block where it starts', () => {
    const block = graphqlBlocks('text\n\n```graphql\n{\n  search(query: "x") { totalCount nope }\n}\n```\n');
    expect(block).toEqual([{ line: 4, text: '{\n  search(query: "x") { totalCount nope }\n}' }]);
  });

  it('names the file and line of a field the schema lacks, and of a block that does not parse', () => {
    const root = mkdtempSync(join(tmpdir(), 'wharf-docs-'));
    try {
      writeFileSync(join(root, 'page.md'), ['# Page', '', '```graphql', '{', '  search(query: "x") { totalCount nope }', '}', '```', '', '```graphql', '{ dataset(id: ) }', '```', ''].join('\n'));
      expect(invalidGraphqlBlocks(['page.md'], schema, root)).toEqual([
        'page.md:5: Cannot query field "nope" on type "SearchConnection".',
        'page.md:10: does not parse: Syntax Error: Unexpected ")".',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
