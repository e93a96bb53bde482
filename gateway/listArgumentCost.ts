import { Kind, visit, type ArgumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type ValidationContext, type ValidationRule } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { maxDatasetIds } from '../subgraphs/catalogue/createCatalogue.ts';

/**
 * List arguments that select one item per entry, with the most entries each
 * may have: `datasets(ids:)` answers one dataset (and its region fetches)
 * per id.
 */
export const listArgumentMaxima: Readonly<Record<string, number>> = { ids: maxDatasetIds };

/**
 * How many items a field selects through a list argument: the list's length
 * when it is written in the operation, the argument's most when it comes
 * from a variable (validation does not see variables); capped at the most,
 * since more is refused by the field itself with a clearer error.
 */
function listedItems(field: FieldNode): number | undefined {
  for (const argument of field.arguments ?? []) {
    const max = listArgumentMaxima[argument.name.value];
    if (max === undefined) continue;
    if (argument.value.kind === Kind.LIST) return Math.max(1, Math.min(argument.value.values.length, max));
    if (argument.value.kind === Kind.VARIABLE) return max;
    return 1;
  }
  return undefined;
}

/**
 * The operation as GraphQL Armor's cost estimate should see it: Armor
 * multiplies a field's cost by its `first` (or `last`) argument and knows no
 * other, so a field with a list argument gets a `first` equal to its item
 * count. Only the estimate sees this copy; nothing executes it.
 */
function withListsAsFirst<T extends OperationDefinitionNode | FragmentDefinitionNode>(node: T): T {
  return visit(node, {
    Field(field) {
      const items = listedItems(field);
      if (items === undefined || field.arguments?.some((argument) => argument.name.value === 'first' || argument.name.value === 'last')) return undefined;
      const first: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: { kind: Kind.INT, value: String(items) } };
      return { ...field, arguments: [first, ...(field.arguments ?? [])] };
    },
  }) as T;
}

/** Armor's cost rule, run over `withListsAsFirst` copies of the operation and of every fragment it spreads. */
function countingListArguments(rule: ValidationRule): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode | null | undefined>();
    const seen = new Proxy(context, {
      get(target, key) {
        if (key === 'getFragment') {
          return (name: string) => {
            if (!fragments.has(name)) {
              const fragment = target.getFragment(name);
              fragments.set(name, fragment && withListsAsFirst(fragment));
            }
            return fragments.get(name);
          };
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const visitor = rule(seen) as { OperationDefinition?: { enter?: (node: OperationDefinitionNode) => void } };
    return { OperationDefinition: { enter: (node: OperationDefinitionNode) => void visitor.OperationDefinition?.enter?.(withListsAsFirst(node)) } } as ReturnType<ValidationRule>;
  };
}

/** Wraps Armor's cost-limit plugin so each validation rule it adds counts list arguments (see `withListsAsFirst`). */
export function countListArguments(costPlugin: GatewayPlugin): GatewayPlugin {
  const plugin = costPlugin as { onValidate?: (payload: { addValidationRule: (rule: ValidationRule) => void } & Record<string, unknown>) => unknown };
  return {
    onValidate(payload: { addValidationRule: (rule: ValidationRule) => void } & Record<string, unknown>) {
      return plugin.onValidate?.({ ...payload, addValidationRule: (rule) => payload.addValidationRule(countingListArguments(rule)) });
    },
  } as unknown as GatewayPlugin;
}
