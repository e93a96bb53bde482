/**
 * JSON nested deeper than a limit, refused before `JSON.parse` sees it:
 * parsing is iterative, but everything that walks the result afterwards
 * (validation, copying, GraphQL variable coercion) recurses, and 5,000
 * levels overflow the stack there.
 */
export class JsonTooDeepError extends Error {
  constructor(readonly maxDepth: number) {
    super(`The JSON is nested more than ${maxDepth} levels deep.`);
    this.name = 'JsonTooDeepError';
  }
}

/** Default nesting limit: far beyond any real GraphQL request, lineage event or dataset record. @default 64 */
export const defaultMaxJsonDepth = 64;

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const openBracket = 0x5b;
const closeBrace = 0x7d;
const closeBracket = 0x5d;

/** The deepest nesting of objects and arrays in `text`, stopping as soon as it passes `maxDepth`. */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === backslash) i++;
      else if (code === quote) inString = false;
    } else if (code === quote) {
      inString = true;
    } else if (code === openBrace || code === openBracket) {
      if (++depth > maxDepth) return true;
    } else if (code === closeBrace || code === closeBracket) {
      depth--;
    }
  }
  return false;
}

/** `JSON.parse(text)`, refusing nesting deeper than `maxDepth` with `JsonTooDeepError`. */
export function parseBoundedJson(text: string, maxDepth = defaultMaxJsonDepth): unknown {
  if (jsonDepthExceeds(text, maxDepth)) throw new JsonTooDeepError(maxDepth);
  return JSON.parse(text);
}
