import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import * as cedar from './cedar.ts';

/** The shared Cedar schema every region's policies are validated against. */
export const accessSchemaText = readFileSync(fileURLToPath(new URL('../../../schema/access.cedarschema', import.meta.url)), 'utf8');

/** What a policy's annotations say (see schema/accessPolicyConventions.md). */
export interface PolicyAnnotations {
  effect: 'permit' | 'forbid';
  actions: string[];
  reason: string;
  /** '' when the policy has no @missing. */
  missing: string;
  options: string[];
  /** '' when the policy has no @requires. */
  requires: string;
  obligations: string[];
}

/** A region's policy set, validated: texts by `@id`, their annotations, and a version hash. */
export interface RegionPolicies {
  region: string;
  version: string;
  texts: Record<string, string>;
  annotations: Map<string, PolicyAnnotations>;
}

export class InvalidPoliciesError extends Error {
  constructor(
    readonly region: string,
    readonly problems: string[],
  ) {
    super(`Region ${region} has invalid access policies; it will not start:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'InvalidPoliciesError';
  }
}

const splitList = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);

/**
 * Parses and validates a region's policies from `{ file name: text }`,
 * reporting every problem at once: syntax, schema validation, missing or
 * duplicate `@id`, a forbid without `@missing`, a mechanism forbid without
 * `@options`.
 */
export function compileRegionPolicies(region: string, files: Record<string, string>): RegionPolicies {
  const problems: string[] = [];
  const texts: Record<string, string> = {};
  const annotations = new Map<string, PolicyAnnotations>();
  for (const [file, source] of Object.entries(files)) {
    const parts = cedar.policySetTextToParts(source);
    if (parts.type === 'failure') {
      problems.push(...parts.errors.map((error) => `${file}: ${error.message}`));
      continue;
    }
    if (parts.policy_templates.length > 0) problems.push(`${file}: templates are not supported; write static policies`);
    for (const text of parts.policies) {
      const parsed = cedar.policyToJson(text);
      if (parsed.type === 'failure') {
        problems.push(...parsed.errors.map((error) => `${file}: ${error.message}`));
        continue;
      }
      const json = parsed.json;
      const notes = (json.annotations ?? {}) as Record<string, string>;
      const id = notes.id;
      const where = `${file}: policy ${id ? `"${id}"` : `starting "${text.slice(0, 60).replace(/\s+/g, ' ')}…"`}`;
      if (!id) {
        problems.push(`${where}: has no @id("…")`);
        continue;
      }
      if (texts[id] !== undefined) {
        problems.push(`${where}: @id "${id}" is used twice`);
        continue;
      }
      if (!notes.reason) problems.push(`${where}: has no @reason("…")`);
      if (json.effect === 'forbid' && !notes.missing) problems.push(`${where}: a forbid needs @missing("…") to explain a deny`);
      if (notes.missing === 'mechanism' && !notes.options) problems.push(`${where}: @missing("mechanism") needs @options("…")`);
      const action = json.action as { op: string; entity?: { id: string }; entities?: { id: string }[] };
      const actions = action.op === 'All' ? ['discover', 'read'] : action.entity ? [action.entity.id] : (action.entities ?? []).map((entity) => entity.id);
      texts[id] = text;
      // Every annotation object has the same fields: one shape keeps the evaluator's code stable.
      annotations.set(id, {
        effect: json.effect,
        actions,
        reason: notes.reason ?? '',
        missing: notes.missing ?? '',
        options: splitList(notes.options),
        requires: notes.requires ?? '',
        obligations: splitList(notes.obligations),
      });
    }
  }
  if (problems.length === 0) {
    const validation = cedar.validate({ schema: accessSchemaText, policies: { staticPolicies: texts } });
    if (validation.type === 'failure') problems.push(...validation.errors.map((error) => error.message));
    else problems.push(...validation.validationErrors.map((error) => `policy "${error.policyId}": ${error.error.message}`));
  }
  if (problems.length > 0) throw new InvalidPoliciesError(region, problems);
  const version = createHash('sha256').update(JSON.stringify(texts)).digest('hex').slice(0, 16);
  return { region, version, texts, annotations };
}

/** Reads `<folder>/policies/*.cedar` (none: nothing is allowed — default deny). */
export async function loadRegionPolicies(region: string, folder: string): Promise<RegionPolicies> {
  const dir = join(folder, 'policies');
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.cedar')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const files: Record<string, string> = {};
  for (const name of names) files[join(dir, name)] = await readFile(join(dir, name), 'utf8');
  return compileRegionPolicies(region, files);
}
