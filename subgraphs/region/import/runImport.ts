import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { datasetFileSchema, type DatasetFile } from '../../../schema/datasetFile.ts';
import { regionCodePattern } from '../../../schema/datasetId.ts';
import { toDatasetRecord, type DatasetRecord } from '../../../schema/datasetRecord.ts';
import type { WritableDatasetStore, WriteOutcome } from '../store/DatasetStore.ts';
import { importCkan } from './importCkan.ts';
import { importDcatAp } from './importDcatAp.ts';
import { importDcatUs } from './importDcatUs.ts';
import type { Importer, SkippedDataset } from './importMapping.ts';
import { writeDatasetFolder } from './writeDatasetFolder.ts';

/** The source formats `wharf import --from` reads. */
export const importers = {
  ckan: importCkan,
  'dcat-ap': importDcatAp,
  'dcat-us': importDcatUs,
} as const satisfies Record<string, Importer>;

export type ImportFormat = keyof typeof importers;

export const isImportFormat = (value: string): value is ImportFormat => Object.hasOwn(importers, value);

export interface ImportOptions {
  from: ImportFormat;
  /** A file, or a folder whose `.json`, `.jsonld`, `.yaml` and `.yml` files are all read. */
  input: string;
  region: string;
  /** Language of texts the source does not tag with one. @default 'en' */
  language?: string;
}

/** A dataset the import takes: valid, with its record. */
export interface TakenDataset {
  source: string;
  identifier: string;
  /** The dataset file as it will be written. */
  file: Record<string, unknown>;
  record: DatasetRecord;
  /** What was left out of it. */
  notes: string[];
}

/** Everything an import would write, and everything it would not, before anything is written. */
export interface ImportPlan {
  region: string;
  from: ImportFormat;
  /** Source files read. */
  files: string[];
  taken: TakenDataset[];
  skipped: SkippedDataset[];
}

const sourceExtensions = new Set(['.json', '.jsonld', '.yaml', '.yml']);

async function sourceFiles(input: string): Promise<string[]> {
  let info;
  try {
    info = await stat(input);
  } catch {
    throw new Error(`${input} does not exist; name a file or a folder of ${[...sourceExtensions].join(', ')} files.`);
  }
  if (!info.isDirectory()) return [input];
  const names = (await readdir(input)).filter((name) => sourceExtensions.has(extname(name).toLowerCase())).sort();
  if (names.length === 0) throw new Error(`${input} has no ${[...sourceExtensions].join(', ')} files to import.`);
  return names.map((name) => join(input, name));
}

async function parseSource(path: string): Promise<unknown> {
  const content = await readFile(path, 'utf8');
  try {
    return ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parseYaml(content) : JSON.parse(content);
  } catch (error) {
    throw new Error(`${path} cannot be parsed: ${(error as Error).message.split('\n')[0]}`);
  }
}

const valueAt = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((current, key) => (current !== null && typeof current === 'object' ? (current as Record<PropertyKey, unknown>)[key] : undefined), value);

/**
 * Reads and maps every source file and validates each dataset against the
 * dataset file format, writing nothing. A source file that cannot be read at
 * all fails the whole import; a dataset that cannot be taken (no title, no
 * description, no usable identifier, an identifier already taken, an invalid
 * field) is skipped with its reason.
 */
export async function planImport(options: ImportOptions): Promise<ImportPlan> {
  const { from, input, region, language = 'en' } = options;
  if (!regionCodePattern.test(region)) throw new Error(`"${region}" is not a region code such as "MO" or "CN-GX".`);
  const files = await sourceFiles(input);
  const taken: TakenDataset[] = [];
  const skipped: SkippedDataset[] = [];
  const sourceOf = new Map<string, string>();
  for (const path of files) {
    const result = await importers[from](await parseSource(path), { file: basename(path), language });
    skipped.push(...result.skipped);
    for (const mapped of result.datasets) {
      if (!mapped.identifier) {
        skipped.push({ source: mapped.source, reason: 'it has no identifier, name or IRI to make a Wharf identifier from' });
        continue;
      }
      const other = sourceOf.get(mapped.identifier);
      if (other) {
        skipped.push({ source: mapped.source, reason: `its identifier "${mapped.identifier}" is already taken by ${other}` });
        continue;
      }
      const parsed = datasetFileSchema.safeParse(mapped.file);
      if (!parsed.success) {
        const reasons = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(dataset)'}: ${valueAt(mapped.file, issue.path) === undefined ? 'missing' : issue.message}`);
        skipped.push({ source: mapped.source, reason: reasons.join('; ') });
        continue;
      }
      sourceOf.set(mapped.identifier, mapped.source);
      const file: DatasetFile = parsed.data;
      taken.push({ source: mapped.source, identifier: mapped.identifier, file: mapped.file, record: toDatasetRecord(file, region, mapped.identifier), notes: mapped.notes });
    }
  }
  return { region, from, files, taken, skipped };
}

/** What writing a plan did. */
export interface ImportResult extends WriteOutcome {
  /** Where it went: a folder, or the database URL without its password. */
  target: string;
}

/** Writes a plan's datasets as dataset files into `folder`, all or none. */
export async function writeImportToFolder(plan: ImportPlan, folder: string): Promise<ImportResult> {
  const { written, unchanged } = await writeDatasetFolder(folder, plan.taken);
  return { target: folder, changed: written.length, unchanged };
}

/** Upserts a plan's records into a store in one transaction. */
export async function writeImportToStore(plan: ImportPlan, store: WritableDatasetStore & { location?: string }): Promise<ImportResult> {
  const outcome = await store.upsertMany(plan.taken.map((dataset) => dataset.record));
  return { target: store.location ?? store.region, ...outcome };
}

/** The import's report: one summary line, then every skipped dataset with its reason and every value left out. */
export function formatImportReport(plan: ImportPlan, result: ImportResult | undefined): string {
  const total = plan.taken.length + plan.skipped.length;
  const lines = [
    `Read ${plan.files.length} ${plan.from} file(s): ${total} dataset(s), ${plan.taken.length} taken, ${plan.skipped.length} skipped.`,
    result
      ? `Wrote region ${plan.region} to ${result.target}: ${result.changed} new or changed, ${result.unchanged} unchanged.`
      : `Nothing was written.`,
  ];
  if (plan.skipped.length > 0) lines.push('', 'Skipped:', ...plan.skipped.map((skip) => `  ${skip.source}: ${skip.reason}`));
  const notes = plan.taken.flatMap((dataset) => dataset.notes.map((note) => `  ${dataset.source}: ${note}`));
  if (notes.length > 0) lines.push('', 'Taken, with values left out:', ...notes);
  return lines.join('\n');
}
