import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { GatewayUnreadableError, type RunOperation } from './createOperationRunner.ts';
import { registerDatasetResources, ResourceError } from './datasetResources.ts';
import { checkAccessTool, getDatasetTool, searchDatasetsTool } from './datasetTools.ts';
import type { ToolContext } from './defineTool.ts';
import { crossBorderFlowsTool, getLineageTool, listRegionsTool } from './lineageTools.ts';
import { ToolFailure } from './toolFailure.ts';

/** The tools, in the order clients list them. */
export const wharfTools = [searchDatasetsTool, getDatasetTool, checkAccessTool, getLineageTool, crossBorderFlowsTool, listRegionsTool] as const;

/** Version of the MCP surface (tool names, arguments and answers), not of Wharf. */
export const wharfMcpVersion = '1.0.0';

/**
 * Most array elements and object members in one tool call's arguments: the
 * largest valid call (four filters of 20 values) has about 90.
 */
const maxToolInputElements = 200;

const instructions = `Wharf is a federated data catalogue: each region (such as CN-GX Guangxi, MO Macao, VN Viet Nam) publishes its own datasets under its own access policies, including rules on data leaving its jurisdiction. Every answer here is exactly what your credentials may see; a dataset you may not discover does not appear, or appears in lineage by its id only.
Start with search_datasets. Dataset ids look like "MO:trade-balance". get_dataset describes one; check_access (with the purpose the data is for) says whether you may read it, the policies that decided, what is missing and the obligations. get_lineage and cross_border_flows show provenance and transfers between jurisdictions; list_regions shows how fresh each region's harvest is.`;

export interface WharfMcpServerOptions {
  /** Runs the fixed GraphQL operations as the caller: the only way any tool reaches data. */
  run: RunOperation;
  /** The origin of the catalogue's dataset pages (`https://data.example.org`). */
  pageOrigin: () => string;
}

/** Logs an unexpected failure for the operator and answers the caller a request id in its place. */
function masked(what: string, error: unknown): string {
  const requestId = randomUUID();
  // stderr: on stdio, stdout carries the protocol.
  console.error(JSON.stringify({ level: 'error', msg: 'mcp request failed', what, requestId, error: error instanceof Error ? error.message : String(error) }));
  return `INTERNAL_SERVER_ERROR: The request failed; quote request id ${requestId} when reporting it.`;
}

/** A failure a caller may read as it is: Wharf's own, or the gateway's answer being unreadable. */
function readable(error: unknown): string | undefined {
  if (error instanceof ToolFailure) return error.text;
  if (error instanceof GatewayUnreadableError) return error.message;
  return undefined;
}

/**
 * Wharf's MCP server: six read-only tools and the dataset resources, each
 * running one of the fixed GraphQL operations through the gateway as the
 * caller, so the caller sees through MCP exactly what it may see through
 * GraphQL. One per HTTP request (stateless), or one per stdio process.
 *
 * Every failure is an answer the caller can read, never a stack: a refused
 * argument is a tool error naming it (the SDK checks each input schema), a
 * gateway refusal keeps its code and message, anything else is masked to a
 * request id that the log line carries too.
 */
export function createWharfMcpServer(options: WharfMcpServerOptions): McpServer {
  const server = new McpServer({ name: 'wharf', title: 'Wharf data catalogue', version: wharfMcpVersion }, { instructions, maxToolInputElements });
  const context: ToolContext = {
    run: options.run,
    datasetPageUrl: (id) => new URL(`/datasets/${encodeURIComponent(id)}`, options.pageOrigin()).href,
  };

  for (const tool of wharfTools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      },
      async (args: Record<string, unknown>): Promise<CallToolResult> => {
        try {
          const { text, structured } = await tool.run(args as never, context);
          return { content: [{ type: 'text', text }], structuredContent: structured };
        } catch (error) {
          return { content: [{ type: 'text', text: readable(error) ?? masked(`tool ${tool.name}`, error) }], isError: true };
        }
      },
    );
  }

  registerDatasetResources(server, context, async (what, work) => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ResourceError || error instanceof McpError) throw error;
      throw new ResourceError(ErrorCode.InternalError, readable(error) ?? masked(what, error));
    }
  });
  return server;
}
