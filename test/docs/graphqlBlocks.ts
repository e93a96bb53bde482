import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLError, parse, validate, type GraphQLSchema } from 'graphql';
import { repositoryRoot } from './markdownLinks.ts';

export interface GraphqlBlock {
  /** 1-based line of the block's first line of GraphQL (after the fence). */
  line: number;
  text: string;
}

/** Every fenced block marked `graphql` in a Markdown text. */
export function graphqlBlocks(markdown: string): GraphqlBlock[] {
  const blocks: GraphqlBlock[] = [];
  let open: { line: number; lines: string[]; fence: string } | undefined;
  markdown.split('\n').forEach((line, index) => {
    if (open) {
      if (new RegExp(`^\\s*${open.fence}\\s*$`).test(line)) {
        blocks.push({ line: open.line, text: open.lines.join('\n') });
        open = undefined;
      } else open.lines.push(line);
      return;
    }
    const fence = /^\s*(```+|~~~+)\s*graphql\s*$/i.exec(line)?.[1];
    if (fence) open = { line: index + 2, lines: [], fence };
  });
  return blocks;
}

/** A GraphQL error's place in the Markdown file: the block's line plus the error's line within it. */
function placeOf(file: string, block: GraphqlBlock, error: GraphQLError): string {
  const line = error.locations?.[0] ? block.line + error.locations[0].line - 1 : block.line;
  return `${file}:${line}`;
}

/** Every problem of the GraphQL blocks of the given files against `schema`, as `file:line: message`. */
export function invalidGraphqlBlocks(files: string[], schema: GraphQLSchema, root = repositoryRoot): string[] {
  return files.flatMap((file) =>
    graphqlBlocks(readFileSync(join(root, file), 'utf8')).flatMap((block) => {
      let document;
      try {
        document = parse(block.text);
      } catch (error) {
        if (error instanceof GraphQLError) return [`${placeOf(file, block, error)}: does not parse: ${error.message}`];
        throw error;
      }
      return validate(schema, document).map((error) => `${placeOf(file, block, error)}: ${error.message}`);
    }),
  );
}
