import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, ListResourcesRequestSchema, type ListResourcesResult, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolContext } from './defineTool.ts';
import { getDatasetTool } from './datasetTools.ts';
import { datasetUri, datasetUriTemplate } from './datasetUri.ts';
import { clip } from './mcpSchemas.ts';
import { dataOf, ToolFailure } from './toolFailure.ts';

/** Datasets per page of `resources/list`. */
const resourcePageSize = 50;
/** Longest `resources/list` cursor taken (the catalogue's are far shorter). */
const maxCursorChars = 1000;
/** Longest text completed: a title prefix longer than this completes to nothing. */
const maxCompletionChars = 100;
/** The JSON-RPC code for an unknown resource (MCP specification). */
const resourceNotFound = -32002;

/** Turns a failure into the JSON-RPC error `resources/*` answers with; anything else goes on to be masked. */
function asProtocolError(error: unknown): never {
  if (!(error instanceof ToolFailure)) throw error;
  throw new ResourceError(error.notFound ? resourceNotFound : error.code === 'BAD_USER_INPUT' ? ErrorCode.InvalidParams : ErrorCode.InternalError, error.text);
}

/** A JSON-RPC error with its own code: the SDK answers `code` and `message` as they are (an `McpError` would prefix its code to the message). */
export class ResourceError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

type DatasetAnswer = Awaited<ReturnType<typeof getDatasetTool.run>>['structured'];

/** The dataset page as Markdown. */
function datasetMarkdown(dataset: DatasetAnswer): string {
  const about = [
    `\`${dataset.id}\``,
    `region ${dataset.region}`,
    dataset.publisher && `publisher ${dataset.publisher.name}`,
    dataset.license && `licence ${dataset.license}`,
    dataset.modified && `modified ${dataset.modified}`,
    dataset.themes.length > 0 && `themes ${dataset.themes.join(', ')}`,
    dataset.keywords.length > 0 && `keywords ${dataset.keywords.join(', ')}`,
  ];
  const { classification: c, access, quality } = dataset;
  const lines = [`# ${dataset.title}`, '', about.filter(Boolean).join(' · '), '', dataset.description, ''];
  lines.push(`Classification: ${c.tier}, personal data ${c.personalData}, security level ${c.securityLevel}; resides in ${c.residency}.`, '');
  lines.push('## Your access', '', access ? `${access.decision}${access.purpose ? ` for purpose "${access.purpose}"` : ''}. The check_access tool gives the policies, what is missing and the obligations.` : 'Unknown: the region did not answer.', '');
  if (dataset.distributions) {
    lines.push('## Distributions', '');
    for (const distribution of dataset.distributions) {
      const link = distribution.downloadUrl ?? distribution.accessUrl;
      lines.push(`- ${[distribution.format, distribution.title].filter(Boolean).join(' — ') || 'distribution'}: ${link ?? 'link withheld (you may not read this dataset)'}`);
    }
    lines.push('');
  }
  lines.push('## Metadata quality', '', `${quality.score}/${quality.maxScore} (${quality.band})`, '');
  for (const dimension of quality.dimensions) {
    lines.push(`- ${dimension.dimension}: ${dimension.score}/${dimension.maxScore}${dimension.missing.length ? `; missing ${dimension.missing.join(', ')}` : ''}`);
  }
  lines.push('', `Catalogue page: ${dataset.pageUrl}`);
  for (const note of dataset.notes) lines.push('', `Note: ${note}`);
  return lines.join('\n');
}

/**
 * Every dataset the caller may discover, as a resource `wharf://datasets/<id>`:
 *
 * - `resources/list` pages through the catalogue's search (newest first, 50
 *   a page, `nextCursor` for the next), as the caller, from the catalogue
 *   alone;
 * - `resources/read` answers the dataset page (Markdown, as `get_dataset`
 *   words it) and the same as JSON; a dataset the caller may not see is
 *   `-32002`, whether it exists or not;
 * - `completion/complete` for `{id}` offers the ids of datasets whose title
 *   starts with what was typed.
 */
export function registerDatasetResources(server: McpServer, context: ToolContext, guard: <T>(what: string, work: () => Promise<T>) => Promise<T>): void {
  async function listPage(cursor: string | undefined): Promise<ListResourcesResult> {
    if (cursor !== undefined && cursor.length > maxCursorChars) throw new ResourceError(ErrorCode.InvalidParams, `The cursor is ${cursor.length} characters long; a cursor from nextCursor is at most ${maxCursorChars}.`);
    const result = await context.run('WharfMcpResourcePage', { first: resourcePageSize, after: cursor ?? null });
    const { search } = dataOf(result);
    return {
      resources: search.edges.map(({ node }) => ({
        uri: datasetUri(node.id),
        name: node.id,
        title: node.title,
        description: clip(node.description, 200),
        mimeType: 'text/markdown',
      })),
      ...(search.pageInfo.hasNextPage && search.pageInfo.endCursor ? { nextCursor: search.pageInfo.endCursor } : {}),
    };
  }

  const template = new ResourceTemplate(datasetUriTemplate, {
    list: () => guard('resources/list', () => listPage(undefined).catch(asProtocolError)),
    complete: {
      id: (value) =>
        guard('completion', async () => {
          if (!value.trim() || value.length > maxCompletionChars) return [];
          const result = await context.run('WharfMcpSuggest', { prefix: value });
          if (!result.data) return [];
          return result.data.suggest.map((suggestion) => suggestion.dataset.id);
        }),
    },
  });

  server.registerResource(
    'dataset',
    template,
    { title: 'Dataset page', description: "A dataset's page: metadata, your access decision, distributions, quality.", mimeType: 'text/markdown' },
    (uri, variables) =>
      guard('resources/read', async (): Promise<ReadResourceResult> => {
        const raw = Array.isArray(variables.id) ? variables.id[0] : variables.id;
        let id: string;
        try {
          id = decodeURIComponent(raw ?? '');
        } catch {
          throw new ResourceError(resourceNotFound, `No dataset at ${clip(uri.href, 200)}: use a URI such as wharf://datasets/MO:trade-balance.`);
        }
        const parsed = getDatasetTool.input.id.safeParse(id);
        if (!parsed.success) throw new ResourceError(resourceNotFound, `No dataset at ${clip(uri.href, 200)}: ${parsed.error.issues[0]?.message ?? 'not a dataset id'}.`);
        const answer = await getDatasetTool.run({ id: parsed.data }, context).catch(asProtocolError);
        return {
          contents: [
            { uri: uri.href, mimeType: 'text/markdown', text: datasetMarkdown(answer.structured) },
            { uri: uri.href, mimeType: 'application/json', text: JSON.stringify(answer.structured) },
          ],
        };
      }),
  );

  // McpServer's own listing drops the cursor: this one pages (it replaces the handler registerResource set).
  server.server.setRequestHandler(ListResourcesRequestSchema, (request) => guard('resources/list', () => listPage(request.params?.cursor).catch(asProtocolError)));
}
