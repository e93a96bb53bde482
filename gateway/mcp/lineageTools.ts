import { z } from 'zod';
import { defineTool } from './defineTool.ts';
import { dateArgument, datasetIdArgument, describeNode, langArgument, lineageNodeOf, lineageNodeOutput, regionCodeArgument } from './mcpSchemas.ts';
import { dataOf, datasetNotFound, notesOf, notesText } from './toolFailure.ts';

/** Most edges (and nodes) one answer carries; a larger graph is cut and says so. */
export const maxLineageEdges = 200;
/** Most edges the text lists; the structured content has them all (up to `maxLineageEdges`). */
const maxTextEdges = 40;

const nullableString = z.string().nullable();
const notes = z.array(z.string()).describe('What went wrong beside the answer.');

export const getLineageTool = defineTool({
  name: 'get_lineage',
  title: 'Get lineage',
  description:
    'Where a dataset came from (UPSTREAM), what derives from it (DOWNSTREAM) or both, to a number of hops. Every edge between jurisdictions is marked crossBorder. ' +
    'A dataset you may not discover appears by its id only (kind "restricted"), and the graph does not go through it.',
  input: {
    id: datasetIdArgument,
    direction: z.enum(['UPSTREAM', 'DOWNSTREAM', 'BOTH'], 'must be UPSTREAM, DOWNSTREAM or BOTH').default('BOTH'),
    depth: z.number().int('must be a whole number from 1 to 10').min(1, 'must be from 1 to 10').max(10, 'must be from 1 to 10').default(3).describe('Hops from the dataset (1–10).'),
    since: dateArgument.optional().describe('Keep only edges observed on or after this ISO 8601 date.'),
    lang: langArgument,
  },
  output: {
    root: z.string(),
    direction: z.string(),
    depth: z.number().int(),
    nodes: z.array(lineageNodeOutput).describe('Every dataset reached, the root first.'),
    edges: z.array(
      z.object({
        upstream: z.string(),
        downstream: z.string(),
        depth: z.number().int().describe('Hops from the root.'),
        crossBorder: z.boolean(),
        fromJurisdiction: nullableString,
        toJurisdiction: nullableString,
        job: nullableString,
        runTime: nullableString,
      }),
    ),
    crossBorderEdges: z.number().int(),
    isPartial: z.boolean().describe('Part of the graph may be missing: a region on it failed its last harvest.'),
    partialRegions: z.array(z.string()),
    truncated: z.boolean().describe(`More than ${maxLineageEdges} edges: the rest are left out; ask for fewer hops.`),
    notes,
  },
  async run(args, { run }) {
    const result = await run('WharfMcpLineage', { id: args.id, direction: args.direction, depth: args.depth, since: args.since ?? null, lang: args.lang ?? null });
    const { lineage } = dataOf(result);
    if (!lineage) throw datasetNotFound(args.id);
    const truncated = lineage.edges.length > maxLineageEdges || lineage.nodes.length > maxLineageEdges + 1;
    const edges = lineage.edges.slice(0, maxLineageEdges);
    const nodes = lineage.nodes.slice(0, maxLineageEdges + 1).map(lineageNodeOf);
    const structured = {
      root: args.id,
      direction: args.direction,
      depth: args.depth,
      nodes,
      edges,
      crossBorderEdges: edges.filter((edge) => edge.crossBorder).length,
      isPartial: lineage.isPartial,
      partialRegions: lineage.partialRegions,
      truncated,
      notes: notesOf(result),
    };
    const byId = new Map(nodes.map((node) => [node.id, node]));
    const name = (id: string) => (byId.has(id) ? describeNode(byId.get(id)!) : id);
    const lines = [
      `Lineage of ${args.id} (${args.direction}, ${args.depth} hop(s)): ${nodes.length} dataset(s), ${edges.length} edge(s), ${structured.crossBorderEdges} crossing a border.`,
    ];
    for (const edge of edges.slice(0, maxTextEdges)) {
      const details = [edge.job && `job ${edge.job}`, edge.runTime && `run ${edge.runTime}`, edge.crossBorder && `CROSS-BORDER ${edge.fromJurisdiction} → ${edge.toJurisdiction}`];
      lines.push(`- ${name(edge.upstream)} → ${name(edge.downstream)}${details.some(Boolean) ? ` (${details.filter(Boolean).join('; ')})` : ''}`);
    }
    if (edges.length > maxTextEdges) lines.push(`… and ${edges.length - maxTextEdges} more edge(s) in the structured answer.`);
    if (truncated) lines.push(`The graph has more than ${maxLineageEdges} edges; only the first ${maxLineageEdges} are given. Ask for fewer hops.`);
    if (lineage.isPartial) lines.push(`Partial: region(s) ${lineage.partialRegions.join(', ')} failed their last harvest; edges through them may be missing.`);
    return { text: lines.join('\n') + notesText(structured.notes), structured };
  },
});

export const crossBorderFlowsTool = defineTool({
  name: 'cross_border_flows',
  title: 'Cross-border flows',
  description:
    'Lineage edges that move data from one jurisdiction to another, for compliance review. `from` and `to` match a residency or its country ("CN" matches "CN-GX"). ' +
    'Only flows between datasets you may discover are listed.',
  input: {
    from: regionCodeArgument.optional().describe('Jurisdiction the data leaves ("CN", "CN-GX", "MO", …).'),
    to: regionCodeArgument.optional().describe('Jurisdiction the data enters.'),
    since: dateArgument.optional().describe('Only flows observed on or after this ISO 8601 date.'),
    first: z.number().int('must be a whole number from 1 to 100').min(1, 'must be from 1 to 100').max(100, 'must be from 1 to 100').default(50).describe('Most flows to return (1–100).'),
    lang: langArgument,
  },
  output: {
    flows: z.array(
      z.object({
        upstream: lineageNodeOutput,
        downstream: lineageNodeOutput,
        fromJurisdiction: nullableString,
        toJurisdiction: nullableString,
        job: nullableString,
        runTime: nullableString,
      }),
    ),
    notes,
  },
  async run(args, { run }) {
    const result = await run('WharfMcpCrossBorderFlows', { from: args.from ?? null, to: args.to ?? null, since: args.since ?? null, first: args.first, lang: args.lang ?? null });
    const { crossBorderFlows } = dataOf(result);
    const flows = crossBorderFlows.map(({ edge, upstream, downstream }) => ({
      upstream: lineageNodeOf(upstream),
      downstream: lineageNodeOf(downstream),
      fromJurisdiction: edge.fromJurisdiction,
      toJurisdiction: edge.toJurisdiction,
      job: edge.job,
      runTime: edge.runTime,
    }));
    const structured = { flows, notes: notesOf(result) };
    const scope = [args.from && `from ${args.from}`, args.to && `to ${args.to}`, args.since && `since ${args.since}`].filter(Boolean).join(' ');
    const lines = [`${flows.length} cross-border flow(s)${scope ? ` ${scope}` : ''} between datasets you may see${flows.length === args.first ? ` (the first ${args.first}; ask for more with first)` : ''}.`];
    for (const flow of flows) {
      const details = [flow.job && `job ${flow.job}`, flow.runTime && `run ${flow.runTime}`].filter(Boolean).join('; ');
      lines.push(`- ${flow.fromJurisdiction} → ${flow.toJurisdiction}: ${describeNode(flow.upstream)} → ${describeNode(flow.downstream)}${details ? ` (${details})` : ''}`);
    }
    return { text: lines.join('\n') + notesText(structured.notes), structured };
  },
});

export const listRegionsTool = defineTool({
  name: 'list_regions',
  title: 'List regions',
  description: 'Every region the catalogue harvests: how many of its datasets you may see, when it was last harvested, whether the catalogue is serving a stale copy, and its mean metadata quality.',
  input: {},
  output: {
    regions: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        datasetCount: z.number().int().describe('Datasets of the region you may discover.'),
        lastHarvestAt: nullableString,
        lastSuccessAt: nullableString,
        harvestLagMs: z.number().nullable().describe('Milliseconds since the last successful harvest.'),
        stale: z.boolean().describe('The last harvest failed; the catalogue serves the last good copy.'),
        lastError: nullableString,
        quality: z.object({ averageScore: z.number(), maxScore: z.number().int(), band: z.string() }),
      }),
    ),
  },
  async run(_args, { run }) {
    const { regions } = dataOf(await run('WharfMcpRegions', {}));
    const lines = [`${regions.length} region(s):`];
    for (const region of regions) {
      const state = region.stale
        ? `STALE: last harvest failed (${region.lastError ?? 'no reason given'}); serving the copy of ${region.lastSuccessAt ?? 'never'}`
        : region.lastSuccessAt
          ? `harvested ${region.lastSuccessAt}`
          : 'not harvested yet';
      lines.push(`- ${region.code} ${region.name}: ${region.datasetCount} dataset(s) you may see; ${state}; quality ${region.quality.averageScore}/${region.quality.maxScore} (${region.quality.band})`);
    }
    return { text: lines.join('\n'), structured: { regions } };
  },
});
