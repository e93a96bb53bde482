import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Kind, type GraphQLFormattedError, type DocumentNode, type FieldNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { WharfError } from '../../schema/errorCodes.ts';

/**
 * What one request to a region may ask. A region's `/graphql` is meant for
 * its gateway, but it is reachable, and the gateway forwards what clients
 * select inside entities: these limits hold whoever sends the request.
 */
export interface RegionOperationLimits {
  /** Deepest selection nesting. @default 10 */
  maxDepth: number;
  /** Aliases in one operation (the gateway's planner aliases batched `_entities` fields). @default 50 */
  maxAliases: number;
  /** Tokens in the operation text. @default 5000 */
  maxTokens: number;
  /** Directives in one operation. @default 50 */
  maxDirectives: number;
  /** GraphQL Armor's cost estimate of the operation. @default 5000 */
  maxCost: number;
  /** Representations over every `_entities` field of one request. @default 5000 (the catalogue's largest lineage answer) */
  maxRepresentations: number;
  /**
   * Fields answered over every entity of one request: representations ×
   * the fields selected in their entity, `dcat` counting 20 (a whole
   * JSON-LD document). @default 100000
   */
  maxEntityFields: number;
}

export const defaultRegionOperationLimits: RegionOperationLimits = {
  maxDepth: 10,
  maxAliases: 50,
  maxTokens: 5000,
  maxDirectives: 50,
  maxCost: 5000,
  maxRepresentations: 5000,
  maxEntityFields: 100_000,
};

/** What each selected field weighs in `maxEntityFields`; 1 when not listed. */
const fieldWeights: Record<string, number> = { dcat: 20 };

const limitExceeded = (limit: keyof RegionOperationLimits, max: number, message: string) =>
  new WharfError('LIMIT_EXCEEDED', message, { limit, max, http: { status: 400 } });

/** Weighted count of the fields selected under `selectionSet`, fragments expanded. */
function selectionWeight(selectionSet: SelectionSetNode | undefined, document: DocumentNode, depth = 0): number {
  // Depth is bounded by validation already; this guards against fragment cycles, which validation also refuses.
  if (!selectionSet || depth > 64) return 0;
  let weight = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      weight += selection.selectionSet ? 1 + selectionWeight(selection.selectionSet, document, depth + 1) : (fieldWeights[selection.name.value] ?? 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      weight += selectionWeight(selection.selectionSet, document, depth + 1);
    } else {
      const fragment = document.definitions.find((definition) => definition.kind === Kind.FRAGMENT_DEFINITION && definition.name.value === selection.name.value);
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) weight += selectionWeight(fragment.selectionSet, document, depth + 1);
    }
  }
  return weight;
}

/** How many representations an `_entities` field is given, literally or through a variable. */
function representationCount(field: FieldNode, variables: Record<string, unknown> | undefined): number {
  const argument = field.arguments?.find((each) => each.name.value === 'representations');
  if (!argument) return 0;
  if (argument.value.kind === Kind.LIST) return argument.value.values.length;
  if (argument.value.kind === Kind.VARIABLE) {
    const value = variables?.[argument.value.name.value];
    return Array.isArray(value) ? value.length : 0;
  }
  return 0;
}

/**
 * GraphQL Armor's limits (validation rules and its token-limit parser) plus
 * an entity budget checked once the operation is known, each refusal a
 * `LIMIT_EXCEEDED` with HTTP 400 that names the limit and its value.
 */
export function regionOperationLimits(overrides: Partial<RegionOperationLimits> = {}): {
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin<BaseContext>[];
} {
  const limits = { ...defaultRegionOperationLimits, ...overrides };
  const rejectAs = (limit: keyof RegionOperationLimits) => ({
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const coded = limitExceeded(limit, limits[limit], `The operation exceeds the region's ${limit} of ${limits[limit]}: ${error.message.replace(/^Syntax Error: /, '')}`);
        if (context) context.reportError(coded);
        else throw coded;
      },
    ],
  });
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, exposeLimits: true, ...rejectAs('maxDepth') },
    maxAliases: { n: limits.maxAliases, exposeLimits: true, ...rejectAs('maxAliases') },
    maxTokens: { n: limits.maxTokens, exposeLimits: true, ...rejectAs('maxTokens') },
    maxDirectives: { n: limits.maxDirectives, exposeLimits: true, ...rejectAs('maxDirectives') },
    costLimit: { maxCost: limits.maxCost, exposeLimits: true, ...rejectAs('maxCost') },
    blockFieldSuggestion: { enabled: true },
  }).protect();

  const entityBudget: ApolloServerPlugin<BaseContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) return;
          let representations = 0;
          let fields = 0;
          for (const selection of operation.selectionSet.selections) {
            if (selection.kind !== Kind.FIELD || selection.name.value !== '_entities') continue;
            const count = representationCount(selection, request.variables);
            representations += count;
            fields += count * selectionWeight(selection.selectionSet, document);
          }
          if (representations > limits.maxRepresentations) {
            throw limitExceeded('maxRepresentations', limits.maxRepresentations, `The request asks for ${representations} entities; a region answers at most ${limits.maxRepresentations} (maxRepresentations) at once.`);
          }
          if (fields > limits.maxEntityFields) {
            throw limitExceeded('maxEntityFields', limits.maxEntityFields, `The request asks for ${fields} entity fields; a region answers at most ${limits.maxEntityFields} (maxEntityFields) at once.`);
          }
        },
      };
    },
  };
  // Armor's plugins are typed against Apollo Server's CommonJS build; they are the same plugins.
  return { validationRules: armor.validationRules, plugins: [...(armor.plugins as unknown as ApolloServerPlugin<BaseContext>[]), entityBudget] };
}

/**
 * Apollo Server reports every validation error as `GRAPHQL_VALIDATION_FAILED`;
 * a refusal by one of these limits keeps its own code, as the gateway's do.
 */
export function withLimitCode(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions = formatted.extensions;
  if (!extensions || extensions.code !== 'GRAPHQL_VALIDATION_FAILED' || typeof extensions.limit !== 'string' || !(extensions.limit in defaultRegionOperationLimits)) return formatted;
  return { ...formatted, extensions: { ...extensions, code: 'LIMIT_EXCEEDED' } };
}
