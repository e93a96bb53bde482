import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/**
 * Reads a YAML configuration file and checks it against `schema`, reporting
 * every problem at once as `<path>: <field>: <reason>` lines. An empty file
 * reads as `emptyAs`.
 */
export async function readYamlFile<T extends z.ZodType>(path: string, schema: T, what: string, emptyAs: unknown = undefined): Promise<z.output<T>> {
  const parsed = schema.safeParse(parseYaml(await readFile(path, 'utf8')) ?? emptyAs);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`);
  throw new Error(`${path} is not a valid ${what}:\n${problems.join('\n')}`);
}
