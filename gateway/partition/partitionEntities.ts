import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  type DocumentNode,
  type ExecutionResult,
  type OperationDefinitionNode,
} from 'graphql';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import type { ErrorCode } from '../../schema/errorCodes.ts';

/**
 * Splitting one `_entities` request to the logical `regions` subgraph into
 * one request per region, and merging the answers back. Pure: no I/O, so the
 * same module serves the gateway plugin and a standalone proxy.
 *
 * The request may hold several root `_entities` fields (the Rust planner
 * batches levels as `_e0`, `_e1`, … over `$__batch_reps_0`, …) and plain
 * `__typename`. Each representations variable is sliced by the region prefix
 * of `id`; every region gets the same document with its slices, so
 * selections, fragments and directives reach it untouched.
 */

/** One root `_entities` field and the variable holding its representations. */
export interface EntityField {
  responseKey: string;
  variableName: string;
}

/** What one region is sent: the full variables with each representations list cut to its slice. */
export interface RegionSlice {
  region: string;
  variables: Record<string, unknown>;
  /** For each representations variable: the original index of each item of this region's slice. */
  positions: Map<string, number[]>;
}

/** A representation no region can answer, kept to report at its original index. */
export interface Unrouted {
  variableName: string;
  index: number;
  code: ErrorCode;
  message: string;
}

export interface PartitionPlan {
  fields: EntityField[];
  /** Root `__typename` response keys, answered by the router itself. */
  typenameKeys: string[];
  /** Length of each representations list. */
  lengths: Map<string, number>;
  slices: RegionSlice[];
  unrouted: Unrouted[];
}

export type PartitionOutcome = { kind: 'plan'; plan: PartitionPlan } | { kind: 'refused'; error: GraphQLError };

/** How one region's request ended. */
export type RegionOutcome =
  | { kind: 'answered'; result: ExecutionResult }
  | { kind: 'failed'; code: ErrorCode; message: string };

function refuse(message: string): PartitionOutcome {
  return { kind: 'refused', error: new GraphQLError(message, { extensions: { code: 'NOT_PARTITIONABLE' } }) };
}

function pickOperation(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * Plans the split of one request. `routes(region)` says whether the gateway
 * knows a region; ids of unknown regions become `UNKNOWN_REGION` errors.
 */
export function planPartition(
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  routes: (region: string) => boolean,
): PartitionOutcome {
  const operation = pickOperation(document, operationName);
  if (!operation) return refuse('The request to the regions subgraph names no single operation to run.');
  if (operation.operation !== OperationTypeNode.QUERY) {
    return refuse(`Regions are reached only by entity fetches; a ${operation.operation} cannot be split by region.`);
  }

  const fields: EntityField[] = [];
  const typenameKeys: string[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) {
      return refuse('Regions are reached only by root `_entities` fields; the request has a root fragment.');
    }
    const responseKey = selection.alias?.value ?? selection.name.value;
    if (selection.name.value === '__typename') {
      typenameKeys.push(responseKey);
      continue;
    }
    if (selection.name.value !== '_entities') {
      return refuse(`Regions are reached only by \`_entities\`; the root field \`${selection.name.value}\` cannot be split by region.`);
    }
    const argument = selection.arguments?.find((arg) => arg.name.value === 'representations');
    if (argument?.value.kind !== Kind.VARIABLE) {
      return refuse('`_entities` must take its representations from a variable to be split by region.');
    }
    fields.push({ responseKey, variableName: argument.value.name.value });
  }

  const lengths = new Map<string, number>();
  const byRegion = new Map<string, RegionSlice>();
  const unrouted: Unrouted[] = [];
  const sliceFor = (region: string): RegionSlice => {
    let slice = byRegion.get(region);
    if (!slice) {
      slice = { region, variables: { ...variables }, positions: new Map() };
      byRegion.set(region, slice);
    }
    return slice;
  };

  for (const variableName of new Set(fields.map((field) => field.variableName))) {
    const representations = variables?.[variableName];
    if (!Array.isArray(representations)) {
      return refuse(`The representations variable \`$${variableName}\` is not a list.`);
    }
    lengths.set(variableName, representations.length);
    representations.forEach((representation: unknown, index) => {
      const id = (representation as { id?: unknown } | null)?.id;
      const region = regionOfDatasetId(id);
      if (!region) {
        unrouted.push({ variableName, index, code: 'UNKNOWN_REGION', message: `${JSON.stringify(id ?? null)} is not a dataset id with a region prefix such as "MO:".` });
        return;
      }
      if (!routes(region)) {
        unrouted.push({ variableName, index, code: 'UNKNOWN_REGION', message: `Dataset "${String(id)}" names region ${region}, which this gateway does not route to.` });
        return;
      }
      const slice = sliceFor(region);
      let positions = slice.positions.get(variableName);
      if (!positions) slice.positions.set(variableName, (positions = []));
      positions.push(index);
    });
  }

  // Every representations variable of a slice is cut to that region's items; lists it has none in become [].
  for (const slice of byRegion.values()) {
    for (const variableName of lengths.keys()) {
      const all = variables![variableName] as unknown[];
      slice.variables[variableName] = (slice.positions.get(variableName) ?? []).map((index) => all[index]);
    }
  }
  return { kind: 'plan', plan: { fields, typenameKeys, lengths, slices: [...byRegion.values()], unrouted } };
}

function entityError(message: string, path: readonly (string | number)[], extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { path, extensions });
}

/**
 * Reassembles the answers of every region into the one result the engine
 * expects: each list in its original order, each region error moved to the
 * original index and tagged with `extensions.region`. A region that failed
 * as a whole yields null for each of its entities with an error at each.
 */
export function mergePartition(plan: PartitionPlan, outcomes: ReadonlyMap<string, RegionOutcome>): ExecutionResult {
  const data: Record<string, unknown> = {};
  const errors: GraphQLError[] = [];
  for (const key of plan.typenameKeys) data[key] = 'Query';
  for (const field of plan.fields) data[field.responseKey] = new Array(plan.lengths.get(field.variableName)).fill(null);
  const fieldsByVariable = new Map<string, EntityField[]>();
  for (const field of plan.fields) {
    fieldsByVariable.set(field.variableName, [...(fieldsByVariable.get(field.variableName) ?? []), field]);
  }
  const fieldByKey = new Map(plan.fields.map((field) => [field.responseKey, field]));

  for (const miss of plan.unrouted) {
    for (const field of fieldsByVariable.get(miss.variableName) ?? []) {
      errors.push(entityError(miss.message, [field.responseKey, miss.index], { code: miss.code }));
    }
  }

  for (const slice of plan.slices) {
    const outcome = outcomes.get(slice.region) ?? { kind: 'failed', code: 'REGION_UNAVAILABLE', message: `Region ${slice.region} was not asked.` };
    const answered = outcome.kind === 'answered' ? outcome.result : undefined;
    if (!answered?.data) {
      const failure =
        outcome.kind === 'failed'
          ? outcome
          : { code: 'REGION_ERROR' as const, message: `Region ${slice.region} failed the fetch: ${answered?.errors?.[0]?.message ?? 'it answered no data'}` };
      for (const field of plan.fields) {
        for (const index of slice.positions.get(field.variableName) ?? []) {
          errors.push(entityError(failure.message, [field.responseKey, index], { code: failure.code, region: slice.region }));
        }
      }
      continue;
    }
    for (const field of plan.fields) {
      const list = answered.data[field.responseKey];
      const positions = slice.positions.get(field.variableName) ?? [];
      const target = data[field.responseKey] as unknown[];
      positions.forEach((index, j) => {
        target[index] = Array.isArray(list) ? (list[j] ?? null) : null;
      });
    }
    for (const error of answered.errors ?? []) {
      const [key, position, ...rest] = error.path ?? [];
      const field = typeof key === 'string' ? fieldByKey.get(key) : undefined;
      const index = field && typeof position === 'number' ? slice.positions.get(field.variableName)?.[position] : undefined;
      const extensions = { ...error.extensions, region: slice.region };
      errors.push(
        index === undefined
          ? new GraphQLError(error.message, { extensions })
          : entityError(error.message, [key as string, index, ...rest], extensions),
      );
    }
  }
  return errors.length > 0 ? { data, errors } : { data };
}
