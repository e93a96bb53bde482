/**
 * A purpose, as a consumer states it (`Dataset.access(purpose:)`, a token's
 * `purpose` claim) and as dataset files list them (`allowedPurposes`): a
 * short token such as `statistics` or `public-health:surveillance`.
 */
export const purposePattern = /^[a-z0-9][a-z0-9:._-]*$/;
/** Longest purpose, in characters. */
export const maxPurposeLength = 64;

/** What is wrong with `purpose` as a purpose, or undefined when nothing is. */
export function purposeProblem(purpose: string): string | undefined {
  if (purpose.length > maxPurposeLength) return `a purpose is at most ${maxPurposeLength} characters; this one has ${purpose.length}`;
  if (!purposePattern.test(purpose)) return 'a purpose is lower-case letters, digits, ":", ".", "_" or "-", starting with a letter or digit (for example "statistics")';
  return undefined;
}
