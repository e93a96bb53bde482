import { describe, expect, it } from 'vitest';
import { JsonTooDeepError, parseBoundedJson } from '../../../subgraphs/shared/parseBoundedJson.ts';

describe('parseBoundedJson', () => {
  it('parses JSON within the depth limit, brackets inside strings not counted', () => {
    expect(parseBoundedJson('{"a":[[1]],"s":"[[[[{{{{\\"]]"}', 3)).toEqual({ a: [[1]], s: '[[[[{{{{"]]' });
  });

  it('refuses JSON nested past the limit before parsing it', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(() => parseBoundedJson(deep)).toThrow(JsonTooDeepError);
    expect(() => parseBoundedJson(deep)).toThrow('The JSON is nested more than 64 levels deep.');
  });

  it('leaves syntax errors to JSON.parse', () => {
    expect(() => parseBoundedJson('{"a":')).toThrow(SyntaxError);
  });
});
