import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';

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
  return EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, exposeLimits: true, ...rejectAs('maxDepth') },
    maxAliases: { n: limits.maxAliases, exposeLimits: true, ...rejectAs('maxAliases') },
    maxTokens: { n: limits.maxTokens, exposeLimits: true, ...rejectAs('maxTokens') },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true, ...rejectAs('maxDirectives') },
    costLimit: { maxCost: limits.maxCost, exposeLimits: true, ...rejectAs('maxCost') },
    // Suggestions ("Did you mean …?") would describe the schema to anyone probing it.
    blockFieldSuggestion: { enabled: true },
  }) as unknown as GatewayPlugin;
}
