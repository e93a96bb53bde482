import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const maxJsonDepth = 64;
const adminToken = 'admin-token-for-tests-0123456789abcdef';
/** 5,000 nested arrays: enough to overflow the stack of anything that walks it recursively. */
const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const refusal = {
  errors: [
    {
      message: `The request's JSON is nested deeper than the gateway's maxJsonDepth of ${maxJsonDepth} levels.`,
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxJsonDepth', max: maxJsonDepth },
    },
  ],
};

/** A body sent in chunks with no Content-Length. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += 1000) controller.enqueue(bytes.slice(offset, offset + 1000));
      controller.close();
    },
  });
}

describe('deeply nested JSON in a request', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    wharf = await startFixtureWharf({ adminToken });
  });
  afterAll(() => wharf[Symbol.asyncDispose]());

  const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${wharf.wharf.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);
  const operation = (variables: string) => `{"query":"query($v: String) { regions { code } }","variables":{"v":${variables}}}`;

  it('refuses 5,000 levels of variables in a POST with 400 LIMIT_EXCEEDED naming maxJsonDepth', async () => {
    const response = await post('/graphql', operation(deep));
    expect([response.status, await response.json()]).toEqual([400, refusal]);
  });

  it('refuses them in a chunked POST too', async () => {
    const response = await post('/graphql', chunked(operation(deep)));
    expect([response.status, await response.json()]).toEqual([400, refusal]);
  });

  it('refuses them in the variables or extensions of a GET', async () => {
    for (const name of ['variables', 'extensions']) {
      const response = await fetch(`${wharf.wharf.graphqlUrl}?query=${encodeURIComponent('{ regions { code } }')}&${name}=${encodeURIComponent(`{"v":${'['.repeat(200)}${']'.repeat(200)}}`)}`);
      expect([name, response.status, await response.json()]).toEqual([name, 400, refusal]);
    }
  });

  it('refuses them in a form-encoded POST', async () => {
    const form = new URLSearchParams({ query: 'query($v: String) { regions { code } }', variables: `{"v":${deep}}` });
    const response = await post('/graphql', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    expect([response.status, await response.json()]).toEqual([400, refusal]);
  });

  it('refuses them in admin and webhook bodies before either parses them', async () => {
    const admin = await post('/admin/regions', `{"code":"MO","x":${deep}}`, { authorization: `Bearer ${adminToken}` });
    expect([admin.status, await admin.json()]).toEqual([400, refusal]);
    const hook = await post('/hooks/harvest', chunked(`{"region":"MO","x":${deep}}`));
    expect([hook.status, await hook.json()]).toEqual([400, refusal]);
  });

  it('answers JSON nested exactly to the limit', async () => {
    // The body object is level 1, "variables" level 2: the value may take the rest.
    const atLimit = `${'['.repeat(maxJsonDepth - 2)}${']'.repeat(maxJsonDepth - 2)}`;
    const response = await post('/graphql', `{"query":"query($v: String) { search(query: $v, first: 1) { totalCount } }","variables":{"v":${atLimit}}}`);
    const body = await response.json();
    // Within the limit the operation reaches GraphQL: the variable's type, not the depth, is what is wrong.
    expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
