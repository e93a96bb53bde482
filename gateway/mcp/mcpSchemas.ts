import { z } from 'zod';
import { datasetIdPattern } from '../../schema/datasetFile.ts';
import { regionCodePattern } from '../../schema/datasetId.ts';
import type { WharfMcpLineageQuery } from '../generated/operations.ts';

/**
 * The argument types the tools share. Every string and list has a bound, so
 * a refusal can quote what it refused and no argument reaches the gateway
 * that it would have to refuse for its size; each message names the
 * argument's contract, as a model needs it to correct the call.
 */

export const datasetIdArgument = z
  .string()
  .max(140, 'must be at most 140 characters')
  .regex(datasetIdPattern, 'must be a catalogue dataset id: a region code, a colon and the identifier, such as "MO:trade-balance"')
  .describe('Catalogue id of the dataset: region code, colon, identifier (as search_datasets returns it), such as "MO:trade-balance".');

export const regionCodeArgument = z
  .string()
  .max(6, 'must be at most 6 characters')
  .regex(regionCodePattern, 'must be a region code such as "MO" or "CN-GX" (ISO 3166, upper case)');

export const langArgument = z
  .string()
  .max(35, 'must be at most 35 characters')
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag such as "en", "zh" or "pt"')
  .optional()
  .describe('Language for titles and descriptions (BCP 47: "en", "zh", "vi", "ms", "pt"); each dataset falls back to its own language.');

export const purposeArgument = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[a-z0-9][a-z0-9:._-]*$/, 'must be a purpose name in lower case, such as "statistics", "research" or "public-health"')
  .optional()
  .describe('What the data would be used for ("statistics", "research", "public-health", …); default: the purpose in your credentials.');

export const dateArgument = z
  .string()
  .max(30, 'must be at most 30 characters')
  .regex(/^\d{4}-\d{2}(-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)?$/, 'must be an ISO 8601 date such as "2025-01-31"');

/** A list filter: at most 20 values, each at most `maxChars`. */
export const filterList = (what: string, maxChars: number) =>
  z
    .array(z.string().min(1, 'must not be empty').max(maxChars, `must be at most ${maxChars} characters`))
    .max(20, `must list at most 20 ${what} values`)
    .optional();

/** A lineage node as the tools show it: a dataset in full, a restricted one by its id only, or an external input. */
export const lineageNodeOutput = z.object({
  id: z.string(),
  kind: z.enum(['dataset', 'restricted', 'external']).describe('"restricted": a dataset you may not discover, shown by its id only.'),
  title: z.string().optional(),
  region: z.string().optional(),
});

export type LineageNodeOutput = z.infer<typeof lineageNodeOutput>;

/** A lineage node as the operations select it (`WharfMcpLineage` and `WharfMcpCrossBorderFlows` alike). */
export type LineageNodeData = NonNullable<WharfMcpLineageQuery['lineage']>['nodes'][number];

export function lineageNodeOf(node: LineageNodeData): LineageNodeOutput {
  if (node.__typename === 'Dataset') return { id: node.id, kind: 'dataset', title: node.title ?? '', region: node.region ?? '' };
  if (node.__typename === 'ExternalDataset') return { id: node.id, kind: 'external', title: `${node.namespace ?? ''}/${node.name ?? ''}` };
  return { id: node.id, kind: 'restricted' };
}

/** A node in one line of text for a model. */
export function describeNode(node: LineageNodeOutput): string {
  if (node.kind === 'dataset') return `${node.id} "${node.title}"`;
  if (node.kind === 'external') return `${node.id} (outside every region)`;
  return `${node.id} (restricted: you may not discover it)`;
}

/** `text` cut to `max` characters, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
