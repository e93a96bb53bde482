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

  it('answers an unknown path with 404: a page with the security headers for a browser, NOT_FOUND as JSON for any other client', async () => {
    for (const path of ['/nope', '/graphiql', '/datasets/', '/admin']) {
      const page = await get(path);
      const policy = directives(page.headers.get('content-security-policy'));
      expect([path, page.status, page.headers.get('content-type'), page.headers.get('x-content-type-options'), policy.get('frame-ancestors'), (await page.text()).includes('<h1 id="not-found-h">Page not found</h1>')]).toEqual([
        path, 404, 'text/html; charset=utf-8', 'nosniff', ["'self'"], true,
      ]);
      const api = await fetch(`${wharf.wharf.origin}${path}`, { headers: { accept: 'application/json' } });
      expect([path, api.status, api.headers.get('content-type'), ((await api.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code]).toEqual([path, 404, 'application/json; charset=utf-8', 'NOT_FOUND']);
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

  it('lets GraphiQL load only from the gateway itself: no CDN, no inline script, workers from this origin, never framed', async () => {
    const response = await get('/graphql');
    const page = await response.text();
    const policy = directives(response.headers.get('content-security-policy'));
    expect(Object.fromEntries(['default-src', 'script-src', 'style-src', 'connect-src', 'worker-src', 'img-src', 'font-src', 'frame-ancestors', 'form-action'].map((name) => [name, policy.get(name)]))).toEqual({
      'default-src': ["'none'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'connect-src': ["'self'"],
      'worker-src': ["'self'"],
      'img-src': ["'self'", 'data:'],
      'font-src': ["'self'", 'data:'],
      'frame-ancestors': ["'none'"],
      'form-action': ["'none'"],
    });
    expect(response.headers.get('content-security-policy')).not.toMatch(/https?:|blob:|unpkg/);
    // Every script is a same-origin file; the only inline block is JSON data, which no policy runs.
    const scripts = [...page.matchAll(/<script([^>]*)>/g)].map((match) => match[1]!.trim());
    expect(scripts).toEqual(['src="/assets/graphiql/wharf-graphiql.js"', 'src="/assets/graphiql/yoga-graphiql.umd.js"', 'type="application/json" id="wharf-graphiql-options"']);
    const references = [...page.matchAll(/(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
    expect(references.every((url) => url.startsWith('/assets/graphiql/') || url === 'data:,')).toBe(true);
    for (const url of references.filter((item) => item.startsWith('/'))) {
      const asset = await fetch(`${wharf.wharf.origin}${url}`);
      expect([url, asset.status]).toEqual([url, 200]);
      await asset.arrayBuffer();
    }
    for (const worker of ['editor', 'json', 'graphql']) expect((await fetch(`${wharf.wharf.origin}/assets/graphiql/${worker}.worker.js`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${wharf.wharf.origin}/assets/graphiql/../../package.json`)).status).toBe(404);
  });
});
