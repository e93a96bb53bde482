import {
  Kind,
  parse,
  print,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type TypeNode,
} from 'graphql';
import { readRegionContract } from './composeSupergraph.ts';

/**
 * Contract versioning. `region.graphql` starts with `# wharf-contract: X.Y.Z`.
 * A region is compatible with the gateway's pinned contract when it declares
 * the same major version and its SDL has every type, field, argument, enum
 * value, union member and `@key` the pinned SDL has, with the same types:
 * additions (new types, new fields, new optional arguments, a higher minor)
 * are allowed; removals and changes are not, except that an output field may
 * be non-null where the contract lets it be null (a region that never
 * answers null meets a nullable field), so making an output field nullable
 * is a minor change.
 */
export const contractVersionPattern = /^#\s*wharf-contract:\s*(\d+)\.(\d+)\.(\d+)\s*$/m;

/** Path beside a region's `/graphql` that answers `RegionContract`. */
export const contractPath = '/contract';

export interface ContractVersion {
  major: number;
  minor: number;
  patch: number;
}

/** What a region answers at `GET /contract`. */
export interface RegionContract {
  region: string;
  /** `X.Y.Z`, as in the SDL's version line. */
  version: string;
  /** The SDL the region serves, version line included. */
  sdl: string;
}

/** The version an SDL declares in its `# wharf-contract:` line, or undefined. */
export function contractVersionOf(sdl: string): ContractVersion | undefined {
  const match = contractVersionPattern.exec(sdl);
  if (!match) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

export const formatVersion = (version: ContractVersion) => `${version.major}.${version.minor}.${version.patch}`;

/** The contract this code base serves and the gateway pins. */
export function pinnedContract(): { sdl: string; version: ContractVersion } {
  const sdl = readRegionContract();
  const version = contractVersionOf(sdl);
  if (!version) throw new Error('schema/region.graphql has lost its "# wharf-contract: X.Y.Z" line.');
  return { sdl, version };
}

type Named = DefinitionNode & { name: { value: string }; kind: string };

function namedDefinitions(document: DocumentNode): Map<string, Named[]> {
  const byName = new Map<string, Named[]>();
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const list = byName.get(definition.name.value) ?? [];
    list.push(definition as Named);
    byName.set(definition.name.value, list);
  }
  return byName;
}

/** Kinds of a definition and of its extensions, compared as one. */
const baseKind = (kind: string) => kind.replace('Extension', 'Definition');

function members<T>(definitions: Named[], key: 'fields' | 'values' | 'types' | 'directives'): T[] {
  return definitions.flatMap((definition) => ((definition as unknown as Record<string, readonly T[] | undefined>)[key] ?? []) as T[]);
}

const keysOf = (definitions: Named[]) =>
  new Set(
    members<ConstDirectiveNode>(definitions, 'directives')
      .filter((directive) => directive.name.value === 'key')
      .map((directive) => print(directive)),
  );

/**
 * Whether a region's output field type `served` meets the contract's
 * `pinned`: the same type, or the same with non-null where `pinned` allows
 * null, at any list level.
 */
function meetsOutputType(served: TypeNode, pinned: TypeNode): boolean {
  if (served.kind === Kind.NON_NULL_TYPE && pinned.kind !== Kind.NON_NULL_TYPE) return meetsOutputType(served.type, pinned);
  if (served.kind === Kind.NAMED_TYPE) return pinned.kind === Kind.NAMED_TYPE && served.name.value === pinned.name.value;
  return served.kind === pinned.kind && meetsOutputType(served.type, pinned.type);
}

function compareArguments(where: string, pinned: readonly InputValueDefinitionNode[], served: readonly InputValueDefinitionNode[], problems: string[]): void {
  const servedArgs = new Map(served.map((arg) => [arg.name.value, arg]));
  for (const arg of pinned) {
    const other = servedArgs.get(arg.name.value);
    if (!other) problems.push(`${where}(${arg.name.value}:) is missing`);
    else if (print(other.type) !== print(arg.type)) problems.push(`${where}(${arg.name.value}:) is ${print(other.type)}, not ${print(arg.type)}`);
  }
  const pinnedNames = new Set(pinned.map((arg) => arg.name.value));
  for (const arg of served) {
    if (!pinnedNames.has(arg.name.value) && arg.type.kind === Kind.NON_NULL_TYPE && !arg.defaultValue) {
      problems.push(`${where}(${arg.name.value}:) is a new required argument`);
    }
  }
}

/**
 * Every way `servedSdl` fails the pinned contract `pinnedSdl`; empty when the
 * region is compatible. Each problem names the type or field.
 */
export function contractProblems(pinnedSdl: string, servedSdl: string): string[] {
  const pinnedVersion = contractVersionOf(pinnedSdl);
  const servedVersion = contractVersionOf(servedSdl);
  if (!pinnedVersion) throw new Error('The pinned contract has no "# wharf-contract: X.Y.Z" line.');
  if (!servedVersion) return ['it declares no contract version (a first line "# wharf-contract: X.Y.Z")'];
  if (servedVersion.major !== pinnedVersion.major) {
    return [`it serves contract ${formatVersion(servedVersion)}; this gateway needs ${pinnedVersion.major}.x (${formatVersion(pinnedVersion)} or a later minor)`];
  }
  let served: DocumentNode;
  try {
    served = parse(servedSdl);
  } catch (error) {
    return [`its SDL does not parse: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const servedTypes = namedDefinitions(served);
  for (const [name, definitions] of namedDefinitions(parse(pinnedSdl))) {
    const other = servedTypes.get(name);
    const kind = baseKind(definitions[0]!.kind);
    if (!other) {
      problems.push(`type ${name} is missing`);
      continue;
    }
    if (baseKind(other[0]!.kind) !== kind) {
      problems.push(`${name} is a ${other[0]!.kind}, not a ${definitions[0]!.kind}`);
      continue;
    }
    for (const key of keysOf(definitions)) if (!keysOf(other).has(key)) problems.push(`${name} lacks ${key}`);
    if (kind === Kind.OBJECT_TYPE_DEFINITION || kind === Kind.INTERFACE_TYPE_DEFINITION || kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      const servedFields = new Map(members<FieldDefinitionNode | InputValueDefinitionNode>(other, 'fields').map((field) => [field.name.value, field]));
      for (const field of members<FieldDefinitionNode | InputValueDefinitionNode>(definitions, 'fields')) {
        const mine = servedFields.get(field.name.value);
        const where = `${name}.${field.name.value}`;
        if (!mine) problems.push(`${where} is missing`);
        else if (kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ? print(mine.type) !== print(field.type) : !meetsOutputType(mine.type, field.type)) {
          problems.push(`${where} is ${print(mine.type)}, not ${print(field.type)}`);
        }
        else if ('arguments' in field) compareArguments(where, field.arguments ?? [], (mine as FieldDefinitionNode).arguments ?? [], problems);
      }
      if (kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
        const pinnedNames = new Set(members<InputValueDefinitionNode>(definitions, 'fields').map((field) => field.name.value));
        for (const field of servedFields.values()) {
          if (!pinnedNames.has(field.name.value) && field.type.kind === Kind.NON_NULL_TYPE) problems.push(`${name}.${field.name.value} is a new required input field`);
        }
      }
    } else if (kind === Kind.ENUM_TYPE_DEFINITION) {
      const values = new Set(members<{ name: { value: string } }>(other, 'values').map((value) => value.name.value));
      for (const value of members<{ name: { value: string } }>(definitions, 'values')) if (!values.has(value.name.value)) problems.push(`${name}.${value.name.value} is missing`);
    } else if (kind === Kind.UNION_TYPE_DEFINITION) {
      const types = new Set(members<{ name: { value: string } }>(other, 'types').map((type) => type.name.value));
      for (const type of members<{ name: { value: string } }>(definitions, 'types')) if (!types.has(type.name.value)) problems.push(`${name} lacks member ${type.name.value}`);
    }
  }
  return problems;
}
