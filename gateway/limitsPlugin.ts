import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import { countListArguments } from './listArgumentCost.ts';

/** Operation limits, each enforced at validation, before any planning or fetching. */
export interface OperationLimits {
  /** Deepest selection nesting. @default 12 */
  maxDepth: number;
  /** Aliases in one operation. @default 30 */
  maxAliases: number;
  /** Tokens in the operation text. @default 3000 */
  maxTokens: number;
  /** Directives in one operation. @default 50 */
  maxDirectives: number;
  /** GraphQL Armor's cost estimate (depth- and field-weighted). @default 5000 */
  maxCost: number;
}

export const defaultOperationLimits: OperationLimits = { maxDepth: 12, maxAliases: 30, maxTokens: 3000, maxDirectives: 50, maxCost: 5000 };

/**
 * GraphQL Armor's limits, with each refusal turned into a coded error that
 * names the limit and its value (`LIMIT_EXCEEDED`, `extensions.limit`,
 * `extensions.max`): Armor's own errors carry no code.
 */
export function limitsPlugin(limits: OperationLimits = defaultOperationLimits): GatewayPlugin {
  const rejectAs = (limit: keyof OperationLimits) => ({
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const detail = error.message.replace(/^Syntax Error: /, '');
        const coded = new GraphQLError(`The operation exceeds the gateway's ${limit} of ${limits[limit]}: ${detail}`, {
          extensions: { code: 'LIMIT_EXCEEDED', limit, max: limits[limit] },
        });
        // Validation rules report; the token limit runs while parsing, where only throwing stops it.
        if (context) context.reportError(coded);
        else throw coded;
      },
    ],
  });
  const off = { enabled: false };
  const { plugins } = new EnvelopArmor({
    maxDepth: { n: limits.maxDepth, exposeLimits: true, ...rejectAs('maxDepth') },
    maxAliases: { n: limits.maxAliases, exposeLimits: true, ...rejectAs('maxAliases') },
    maxTokens: { n: limits.maxTokens, exposeLimits: true, ...rejectAs('maxTokens') },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true, ...rejectAs('maxDirectives') },
    costLimit: off,
    // Suggestions ("Did you mean …?") would describe the schema to anyone probing it.
    blockFieldSuggestion: { enabled: true },
  }).protect();
  // Armor's estimate multiplies by `first` only: list arguments such as `datasets(ids:)` are counted for it (see listArgumentCost.ts).
  const cost = new EnvelopArmor({
    costLimit: { maxCost: limits.maxCost, exposeLimits: true, ...rejectAs('maxCost') },
    maxDepth: off, maxAliases: off, maxTokens: off, maxDirectives: off, blockFieldSuggestion: off,
  }).protect().plugins.map((plugin) => countListArguments(plugin as GatewayPlugin));
  return {
    onPluginInit({ addPlugin }: { addPlugin: (plugin: GatewayPlugin) => void }) {
      for (const plugin of [...(plugins as GatewayPlugin[]), ...cost]) addPlugin(plugin);
    },
  } as unknown as GatewayPlugin;
}
