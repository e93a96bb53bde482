import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

/** The directives of a Content-Security-Policy, by name. */
function directives(policy: string | null): Map<string, string[]> {
  return new Map((policy ?? '').split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name, ...values]) => [name!, values]));
}

describe('HTML the gateway serves', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    wharf = await startFixtureWharf({});
  });
  afterAll(() => wharf[Symbol.asyncDispose]());

  const get = (path: string) => fetch(`${wharf.wharf.origin}${path}`, { headers: { accept: 'text/html' } });

  it('answers an unknown path with 404 and no page, whatever the Accept header', async () => {
    for (const path of ['/nope', '/graphiql', '/datasets/', '/admin']) {
      const response = await get(path);
      expect([path, response.status, response.headers.get('content-type')?.startsWith('text/html') ?? false]).toEqual([path, 404, false]);
    }
  });

  it('sends a policy, nosniff, no framing by other sites and no referrer with every page', async () => {
    for (const path of ['/', '/datasets/MO:trade-balance', '/datasets/MO:no-such-dataset', '/graphql']) {
      const response = await get(path);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const policy = directives(response.headers.get('content-security-policy'));
      expect({
        path,
        nosniff: response.headers.get('x-content-type-options'),
        frameOptions: response.headers.get('x-frame-options'),
        referrer: response.headers.get('referrer-policy'),
        frameAncestors: policy.get('frame-ancestors'),
        objectSrc: policy.get('object-src'),
        baseUri: policy.get('base-uri'),
      }).toEqual({
        path,
        nosniff: 'nosniff',
        frameOptions: path === '/graphql' ? 'DENY' : 'SAMEORIGIN',
        referrer: 'no-referrer',
        frameAncestors: path === '/graphql' ? ["'none'"] : ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
      });
    }
  });

  it("lets GraphiQL run exactly its own inline scripts and its CDN package's files, nothing else", async () => {
    const response = await get('/graphql');
    const page = await response.text();
    const policy = directives(response.headers.get('content-security-policy'));
    const inline = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => `'sha256-${createHash('sha256').update(match[1]!).digest('base64')}'`);
    const external = [...page.matchAll(/<script src=([^ >]+)/g)].map((match) => match[1]!);
    const cdn = policy.get('script-src')!.filter((source) => source.startsWith('https://'));
    expect(inline.length).toBeGreaterThan(0);
    expect(policy.get('script-src')!.sort()).toEqual([...inline, ...cdn].sort());
    expect(cdn).toEqual(['https://unpkg.com/@graphql-yoga/graphiql@4.5.1/']);
    expect(external.every((src) => src.startsWith(cdn[0]!))).toBe(true);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('connect-src')).toEqual(["'self'", cdn[0]]);
  });
});
