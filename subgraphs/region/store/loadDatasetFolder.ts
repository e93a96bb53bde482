import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodError } from 'zod';
import { datasetFileSchema, identifierPattern, type DatasetFile } from '../../../schema/datasetFile.ts';
import { formatDatasetId } from '../../../schema/datasetId.ts';
import { toDatasetRecord, type DatasetRecord } from '../../../schema/datasetRecord.ts';

/** One thing wrong with one dataset file. */
export interface FileProblem {
  file: string;
  /** Dotted path of the offending field (`distributions.0.accessUrl`), or `(file)` for the whole file. */
  field: string;
  reason: string;
}

export interface FolderLoad {
  records: DatasetRecord[];
  problems: FileProblem[];
  /** Number of dataset files read. */
  files: number;
}

/** File endings read as dataset files; everything else in the folder (README, LICENSE, policies/) is left alone. */
export const datasetFileExtensions = new Set(['.yaml', '.yml', '.json']);

function issuesToProblems(file: string, error: ZodError): FileProblem[] {
  return error.issues.map((issue) => ({
    file,
    field: issue.path.length > 0 ? issue.path.join('.') : '(file)',
    reason: issue.message,
  }));
}

/** Files read at once: enough to keep the disk and thread pool busy, few enough not to exhaust descriptors. */
const fileReadConcurrency = 32;

/** `map` with at most `limit` calls in flight, results in input order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await map(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** What one file parsed to; cached by modification time and size. */
type ParsedFile = { ok: true; file: DatasetFile } | { ok: false; problems: FileProblem[] };

/** Parsed files by path, reused while a file's mtime and size are unchanged. */
export type ParseCache = Map<string, { mtimeMs: number; size: number; parsed: ParsedFile }>;

async function parseFile(path: string, name: string): Promise<ParsedFile> {
  let raw: unknown;
  try {
    const text = await readFile(path, 'utf8');
    raw = extname(name).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = `cannot be parsed: ${(error as Error).message.split('\n')[0]}`;
    return { ok: false, problems: [{ file: path, field: '(file)', reason }] };
  }
  const parsed = datasetFileSchema.safeParse(raw);
  return parsed.success ? { ok: true, file: parsed.data } : { ok: false, problems: issuesToProblems(path, parsed.error) };
}

async function parseFileCached(path: string, name: string, cache: ParseCache | undefined): Promise<ParsedFile> {
  if (!cache) return parseFile(path, name);
  const { mtimeMs, size } = await stat(path);
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.parsed;
  const parsed = await parseFile(path, name);
  cache.set(path, { mtimeMs, size, parsed });
  return parsed;
}

/**
 * Reads and validates every dataset file in `folder` for `region`. Returns
 * all records and every problem found, so a caller can refuse the whole load
 * (no partial load) and still report each bad file at once. With `cache`,
 * files unchanged since the last read are not parsed again.
 */
export async function loadDatasetFolder(folder: string, region: string, cache?: ParseCache): Promise<FolderLoad> {
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && datasetFileExtensions.has(extname(entry.name).toLowerCase()))
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the folder does not exist' : String(error);
    return { records: [], problems: [{ file: folder, field: '(folder)', reason }], files: 0 };
  }
  if (cache) {
    const present = new Set(names.map((name) => join(folder, name)));
    for (const path of cache.keys()) if (!present.has(path)) cache.delete(path);
  }

  const records: DatasetRecord[] = [];
  const problems: FileProblem[] = [];
  const fileById = new Map<string, string>();
  const parsedFiles = await mapConcurrently(names, fileReadConcurrency, (name) => parseFileCached(join(folder, name), name, cache));
  for (const [i, name] of names.entries()) {
    const path = join(folder, name);
    const parsed = parsedFiles[i]!;
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const identifier = parsed.file.identifier ?? basename(name, extname(name));
    if (!identifierPattern.test(identifier)) {
      problems.push({ file: path, field: 'identifier', reason: `the file name "${identifier}" is not a valid identifier; set "identifier" in the file` });
      continue;
    }
    const id = formatDatasetId(region, identifier);
    const other = fileById.get(id);
    if (other) {
      problems.push({ file: path, field: 'identifier', reason: `"${identifier}" is also the identifier of ${other}` });
      continue;
    }
    fileById.set(id, path);
    const selfEdge = parsed.file.lineage.findIndex((edge) => edge.upstream === id);
    if (selfEdge >= 0) {
      problems.push({ file: path, field: `lineage.${selfEdge}.upstream`, reason: `a dataset cannot be derived from itself ("${id}")` });
      continue;
    }
    records.push(toDatasetRecord(parsed.file, region, identifier));
  }
  return { records, problems, files: names.length };
}

/** One line per problem: `file: field: reason`. */
export function formatProblems(problems: readonly FileProblem[]): string {
  return problems.map((problem) => `${problem.file}: ${problem.field}: ${problem.reason}`).join('\n');
}

/** Thrown when a folder has invalid dataset files; nothing from it was loaded. */
export class InvalidDatasetFolderError extends Error {
  constructor(
    readonly folder: string,
    readonly problems: readonly FileProblem[],
  ) {
    super(
      `${problems.length} problem${problems.length === 1 ? '' : 's'} in ${folder}; nothing was loaded:\n${formatProblems(problems)}`,
    );
    this.name = 'InvalidDatasetFolderError';
  }
}
