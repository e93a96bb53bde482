import { quote, validationError } from './ckanErrors.ts';
import type { CkanParams } from './readCkanParams.ts';

/**
 * Reading one parameter as CKAN's validators do (`int_validator`,
 * `natural_number_validator`, `asbool`, `convert_to_json_if_string`), each
 * refusal a Validation Error that names the parameter.
 */

/** The parameter as one string; a number from a JSON body as its text; undefined when absent or empty. */
export function stringParam(params: CkanParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw validationError({ [name]: ['Must be a single string value'] });
  return value;
}

/** A whole number ≥ 0, CKAN's `natural_number_validator`; `fallback` when absent or blank. */
export function naturalNumber(params: CkanParams, name: string, fallback: number): number {
  const text = stringParam(params, name)?.trim();
  if (text === undefined || text === '') return fallback;
  const number = Number(text);
  if (!Number.isInteger(number) || !/^[+-]?\d+(\.0*)?$/.test(text)) throw validationError({ [name]: ['Invalid integer'] });
  if (number < 0) throw validationError({ [name]: ['Must be a natural number'] });
  return number;
}

/** A whole number, possibly negative, CKAN's `int_validator`. */
export function integer(params: CkanParams, name: string, fallback: number): number {
  const text = stringParam(params, name)?.trim();
  if (text === undefined || text === '') return fallback;
  if (!/^[+-]?\d+(\.0*)?$/.test(text)) throw validationError({ [name]: ['Invalid integer'] });
  return Number(text);
}

const truths = new Set(['true', 'yes', 'on', 'y', 't', '1']);
const falsities = new Set(['false', 'no', 'off', 'n', 'f', '0']);

/** A boolean as CKAN's `asbool` reads one (`true`, `yes`, `1`, …). */
export function bool(params: CkanParams, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (typeof value === 'boolean') return value;
  const text = stringParam(params, name)?.trim().toLowerCase();
  if (text === undefined || text === '') return fallback;
  if (truths.has(text)) return true;
  if (falsities.has(text)) return false;
  throw validationError({ [name]: [`${quote(text)} is not a boolean; use true or false`] });
}

/** Most items a list parameter may have. */
const maxListItems = 100;

/**
 * A list of strings: a JSON list given as a string (`["tags","groups"]`),
 * a list from a JSON body or a repeated query key, or one bare string.
 */
export function stringList(params: CkanParams, name: string): string[] | undefined {
  let value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      value = JSON.parse(value);
    } catch {
      throw validationError({ [name]: [`${quote(value as string)} is not a JSON list of strings`] });
    }
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length > maxListItems) throw validationError({ [name]: [`Must list at most ${maxListItems} values; got ${list.length}`] });
  if (!list.every((item): item is string => typeof item === 'string')) throw validationError({ [name]: ['Must be a list of strings'] });
  return list;
}
