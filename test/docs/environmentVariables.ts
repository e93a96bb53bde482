import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './markdownLinks.ts';

/** Where a variable is read or documented: `path:line`. */
export interface Place {
  file: string;
  line: number;
}

/** Folders whose code reads the environment a user sets (tests themselves excepted, their support included). */
const codeFolders = ['gateway', 'subgraphs', 'schema', 'bin', 'bench', 'test/support'];
const codeExtensions = /\.(ts|mts|mjs|js|cjs|sh)$/;

/** Every code file that may read the environment, relative to the root: no dependencies, no test files. */
export function codeFiles(root = repositoryRoot): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(join(root, folder))) {
      const path = `${folder}/${name}`;
      if (name === 'node_modules' || name.startsWith('.')) continue;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (codeExtensions.test(name) && !/\.test\.[a-z]+$/.test(name)) files.push(path);
    }
  };
  for (const folder of codeFolders) walk(folder);
  files.push('.ci/run');
  return files.sort();
}

const name = '[A-Z][A-Z0-9_]*';

/**
 * The variables a TypeScript or JavaScript text reads, by line:
 * `process.env.NAME`, `process.env['NAME']`, `const { NAME } = process.env`,
 * `env.NAME` / `env['NAME']` on an environment object a loader was given,
 * and the keys of `configSchema` (the zod object `loadConfig` reads the
 * environment through).
 */
export function variablesReadByScript(text: string): Array<{ name: string; line: number }> {
  const found: Array<{ name: string; line: number }> = [];
  const lines = text.split('\n');
  const patterns = [
    new RegExp(`\\bprocess\\.env\\.(${name})\\b`, 'g'),
    new RegExp(`\\bprocess\\.env\\[\\s*['"\`](${name})['"\`]\\s*\\]`, 'g'),
    new RegExp(`(?<!process\\.)\\benv\\.(${name})\\b`, 'g'),
    new RegExp(`(?<!process\\.)\\benv\\[\\s*['"\`](${name})['"\`]\\s*\\]`, 'g'),
  ];
  lines.forEach((line, index) => {
    for (const pattern of patterns) for (const match of line.matchAll(pattern)) found.push({ name: match[1]!, line: index + 1 });
  });
  // const { A, B: b } = process.env
  for (const match of text.matchAll(/\{([^{}]*)\}\s*=\s*process\.env\b/g)) {
    const line = text.slice(0, match.index).split('\n').length;
    for (const key of match[1]!.split(',')) {
      const variable = new RegExp(`^\\s*(${name})\\b`).exec(key)?.[1];
      if (variable) found.push({ name: variable, line });
    }
  }
  // export const configSchema = z.object({ NAME: …, … }): every top-level key is a variable.
  const schemaStart = text.search(/\bconfigSchema\s*=\s*z\s*\.\s*object\(\s*\{/);
  if (schemaStart >= 0) {
    let depth = 0;
    let line = text.slice(0, schemaStart).split('\n').length;
    for (let at = text.indexOf('{', schemaStart); at < text.length; at += 1) {
      const character = text[at]!;
      if (character === '\n') line += 1;
      if ('{(['.includes(character)) depth += 1;
      if ('})]'.includes(character)) depth -= 1;
      if (depth === 0) break;
      if (depth === 1 && character === '\n') {
        const key = new RegExp(`^\\s*(${name})\\s*:`).exec(text.slice(at + 1, text.indexOf('\n', at + 1)))?.[1];
        if (key) found.push({ name: key, line: line });
      }
    }
  }
  return found;
}

/**
 * The variables a shell script reads: every `${NAME…}` (`$NAME` alone is
 * not taken, to keep the scan exact), except names the script sets itself
 * without reading a value from outside (`NAME=value` with no `${NAME` on
 * that line, outside here-documents).
 */
export function variablesReadByShell(text: string): Array<{ name: string; line: number }> {
  const lines = text.split('\n');
  const setHere = new Set<string>();
  let hereDocEnd: string | undefined;
  lines.forEach((line) => {
    // A here-document is text, not commands: `NAME=…` in it sets nothing.
    if (hereDocEnd !== undefined) {
      if (line.trim() === hereDocEnd) hereDocEnd = undefined;
      return;
    }
    hereDocEnd = /<<-?\s*['"]?(\w+)['"]?/.exec(line)?.[1];
    const assigned = new RegExp(`^\\s*(?:export\\s+|local\\s+|readonly\\s+)?(${name})=`).exec(line)?.[1];
    if (assigned && !line.includes(`\${${assigned}`)) setHere.add(assigned);
  });
  const found: Array<{ name: string; line: number }> = [];
  lines.forEach((line, index) => {
    if (/^\s*#/.test(line)) return;
    for (const match of line.matchAll(new RegExp(`\\$\\{(${name})\\b`, 'g'))) {
      if (!setHere.has(match[1]!)) found.push({ name: match[1]!, line: index + 1 });
    }
  });
  return found;
}

/**
 * Names made at run time from a fixed prefix, declared in code as
 * `const …EnvPrefix = 'PREFIX_'`: documented as `PREFIX_<NAME>`.
 */
export function variablePrefixesDeclared(text: string): Array<{ prefix: string; line: number }> {
  const found: Array<{ prefix: string; line: number }> = [];
  text.split('\n').forEach((line, index) => {
    const match = new RegExp(`\\w*EnvPrefix\\s*=\\s*['"\`](${name}_)['"\`]`).exec(line);
    if (match) found.push({ prefix: match[1]!, line: index + 1 });
  });
  return found;
}

export interface CodeVariables {
  /** Exact names, each with every place that reads it. */
  names: Map<string, Place[]>;
  /** Prefixes of names made at run time (`WHARF_REGION_SECRET_`), with where they are declared. */
  prefixes: Map<string, Place[]>;
}

/** Every environment variable the repository's code reads. */
export function variablesReadByCode(root = repositoryRoot, files = codeFiles(root)): CodeVariables {
  const names = new Map<string, Place[]>();
  const prefixes = new Map<string, Place[]>();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const shell = file.endsWith('.sh') || file === '.ci/run' || text.startsWith('#!/usr/bin/env bash');
    for (const { name: variable, line } of shell ? variablesReadByShell(text) : variablesReadByScript(text)) {
      names.set(variable, [...(names.get(variable) ?? []), { file, line }]);
    }
    if (!shell) {
      for (const { prefix, line } of variablePrefixesDeclared(text)) prefixes.set(prefix, [...(prefixes.get(prefix) ?? []), { file, line }]);
    }
  }
  return { names, prefixes };
}

/**
 * The variables a configuration page documents: the first cell of every
 * table row, when it is one name in backticks (`NAME`, or `PREFIX_<NAME>`
 * for names made from a prefix).
 */
export function variablesDocumented(markdown: string): Map<string, number> {
  const documented = new Map<string, number>();
  markdown.split('\n').forEach((line, index) => {
    const cell = new RegExp(`^\\|\\s*\`(${name}(?:<[A-Z]+>)?)\`\\s*\\|`).exec(line)?.[1];
    if (cell && !documented.has(cell)) documented.set(cell, index + 1);
  });
  return documented;
}

/** How the code and the page disagree, each as `file:line: …`. */
export function environmentMismatches(code: CodeVariables, documented: Map<string, number>, page: string): string[] {
  const problems: string[] = [];
  for (const [variable, places] of [...code.names].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (documented.has(variable)) continue;
    const coveredByPrefix = [...documented.keys()].some((entry) => entry.endsWith('>') && variable.startsWith(entry.slice(0, entry.indexOf('<'))));
    if (coveredByPrefix) continue;
    problems.push(...places.map(({ file, line }) => `${file}:${line}: reads ${variable}, which ${page} does not document`));
  }
  for (const [prefix, places] of code.prefixes) {
    if ([...documented.keys()].some((entry) => entry.startsWith(`${prefix}<`))) continue;
    problems.push(...places.map(({ file, line }) => `${file}:${line}: makes variable names from ${prefix}, which ${page} does not document as ${prefix}<NAME>`));
  }
  for (const [entry, line] of documented) {
    const read = entry.endsWith('>') ? code.prefixes.has(entry.slice(0, entry.indexOf('<'))) : code.names.has(entry);
    if (!read) problems.push(`${page}:${line}: documents ${entry}, which no code reads`);
  }
  return problems;
}

/** The default column (the second cell) of each documented variable, with its line. */
export function defaultsDocumented(markdown: string): Map<string, { cell: string; line: number }> {
  const defaults = new Map<string, { cell: string; line: number }>();
  markdown.split('\n').forEach((line, index) => {
    const match = new RegExp(`^\\|\\s*\`(${name}(?:<[A-Z]+>)?)\`\\s*\\|([^|]*)\\|`).exec(line);
    if (match && !defaults.has(match[1]!)) defaults.set(match[1]!, { cell: match[2]!.trim(), line: index + 1 });
  });
  return defaults;
}

/**
 * Where the page's default of a variable differs from the loader's: each
 * variable with a number or text default must show exactly that value,
 * in backticks, in its default column.
 */
export function defaultMismatches(loaderDefaults: Record<string, unknown>, documented: Map<string, { cell: string; line: number }>, page: string): string[] {
  const problems: string[] = [];
  for (const [variable, value] of Object.entries(loaderDefaults)) {
    if (typeof value !== 'number' && typeof value !== 'string') continue;
    const entry = documented.get(variable);
    if (!entry) continue; // an undocumented variable is reported by environmentMismatches
    if (entry.cell !== `\`${value}\``) problems.push(`${page}:${entry.line}: ${variable}'s default is ${entry.cell || '(empty)'}, but the configuration loader's is \`${value}\``);
  }
  return problems;
}
