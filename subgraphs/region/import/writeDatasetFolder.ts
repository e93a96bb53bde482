import { randomUUID } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { stringify } from 'yaml';
import { datasetFileExtensions } from '../store/loadDatasetFolder.ts';

export interface FolderWrite {
  /** Files written (new or changed), by path. */
  written: string[];
  /** Files that already held exactly this content and were left alone. */
  unchanged: number;
}

/** A dataset file's text: YAML, or JSON for a dataset that already lives in a `.json` file. */
const serialise = (file: Record<string, unknown>, path: string) =>
  extname(path).toLowerCase() === '.json' ? `${JSON.stringify(file, null, 2)}\n` : stringify(file, { lineWidth: 0 });

/**
 * Writes dataset files into `folder`, one per identifier (`<identifier>.yaml`,
 * or the file the identifier already has in any accepted format). Nothing is
 * half-written: a new folder is filled beside its final place and renamed
 * into it; in an existing folder the changed files are staged in a hidden
 * subfolder first and only then renamed over their targets, so a failure
 * while writing (a full disk, a permission) leaves every file as it was.
 * A file whose content would not change is not touched (its mtime is kept).
 */
export async function writeDatasetFolder(folder: string, files: readonly { identifier: string; file: Record<string, unknown> }[]): Promise<FolderWrite> {
  let existing: string[] | undefined;
  try {
    existing = (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }

  if (!existing) {
    await mkdir(dirname(folder), { recursive: true });
    const staging = `${folder}.importing-${randomUUID().slice(0, 8)}`;
    try {
      await mkdir(staging);
      for (const { identifier, file } of files) await writeFile(join(staging, `${identifier}.yaml`), serialise(file, `${identifier}.yaml`));
      await rename(staging, folder);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    return { written: files.map(({ identifier }) => join(folder, `${identifier}.yaml`)), unchanged: 0 };
  }

  const fileOf = new Map<string, string>();
  for (const name of existing) if (datasetFileExtensions.has(extname(name).toLowerCase())) fileOf.set(basename(name, extname(name)), name);
  const changes: { name: string; content: string }[] = [];
  let unchanged = 0;
  for (const { identifier, file } of files) {
    const name = fileOf.get(identifier) ?? `${identifier}.yaml`;
    const content = serialise(file, name);
    const current = await readFile(join(folder, name), 'utf8').catch(() => undefined);
    if (current === content) unchanged += 1;
    else changes.push({ name, content });
  }
  if (changes.length === 0) return { written: [], unchanged };
  // Every target must be a file or absent before anything moves, so the renames below cannot fail half-way on one of them.
  for (const { name } of changes) {
    const target = join(folder, name);
    const info = await lstat(target).catch(() => undefined);
    if (info && !info.isFile()) throw new Error(`${target} exists and is not a file; nothing was written.`);
  }
  // A hidden subfolder on the same file system: renames out of it are atomic, and stores read only files.
  const staging = join(folder, `.importing-${randomUUID().slice(0, 8)}`);
  try {
    await mkdir(staging);
    for (const { name, content } of changes) await writeFile(join(staging, name), content);
    for (const { name } of changes) await rename(join(staging, name), join(folder, name));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return { written: changes.map(({ name }) => join(folder, name)), unchanged };
}
