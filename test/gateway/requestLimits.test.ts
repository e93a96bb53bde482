import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const maxBodyBytes = 4096;
const maxBatch = 3;
const bodyRefusal = {
  errors: [
    {
      message: `The request body is larger than the gateway's maxBodyBytes of ${maxBodyBytes} bytes.`,
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxBodyBytes', max: maxBodyBytes },
    },
  ],
};

/** A body sent in chunks with no Content-Length, as a client streaming it would. */
function chunked(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += 1000) controller.enqueue(bytes.slice(offset, offset + 1000));
      controller.close();
    },
  });
}

describe('requestLimitsPlugin', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    wharf = await startFixtureWharf({ requestLimits: { maxBodyBytes, maxBatch }, adminToken: 'admin-token-for-tests-0123456789abcdef' });
  });
  afterAll(() => wharf[Symbol.asyncDispose]());

  const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${wharf.wharf.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);
  const padded = (bytes: number) => JSON.stringify({ query: `{ regions { code } }${' '.repeat(bytes)}` });

  it('answers 413 LIMIT_EXCEEDED naming maxBodyBytes when the declared body is larger', async () => {
    const response = await post('/graphql', padded(maxBodyBytes));
    expect([response.status, await response.json()]).toEqual([413, bodyRefusal]);
  });

  it('answers 413 LIMIT_EXCEEDED when a chunked body grows past the limit', async () => {
    const response = await post('/graphql', chunked(padded(maxBodyBytes)));
    expect([response.status, await response.json()]).toEqual([413, bodyRefusal]);
  });

  it('answers a chunked body within the limit', async () => {
    const response = await post('/graphql', chunked(padded(maxBodyBytes - 200)));
    expect([response.status, await response.json()]).toEqual([200, { data: { regions: [{ code: 'CN-GX' }, { code: 'MO' }, { code: 'VN' }] } }]);
  });

  it('limits the admin and webhook paths too', async () => {
    const admin = await post('/admin/regions', padded(maxBodyBytes), { authorization: 'Bearer admin-token-for-tests-0123456789abcdef' });
    expect([admin.status, await admin.json()]).toEqual([413, bodyRefusal]);
    const hook = await post('/hooks/harvest', chunked(padded(maxBodyBytes)));
    expect([hook.status, await hook.json()]).toEqual([413, bodyRefusal]);
  });

  it('answers a batch of up to maxBatch operations, each on its own', async () => {
    const batch = Array.from({ length: maxBatch }, (_, i) => ({ query: `{ dataset(id: "MO:trade-balance") { id } n${i}: regions { code } }` }));
    const response = await post('/graphql', JSON.stringify(batch));
    const results = await response.json();
    expect(response.status).toBe(200);
    expect(results).toHaveLength(maxBatch);
    expect(results[2]).toEqual({ data: { dataset: { id: 'MO:trade-balance' }, n2: [{ code: 'CN-GX' }, { code: 'MO' }, { code: 'VN' }] } });
  });

  it('refuses a batch over maxBatch with 413 LIMIT_EXCEEDED naming the limit', async () => {
    const batch = Array.from({ length: maxBatch + 1 }, () => ({ query: '{ regions { code } }' }));
    const response = await post('/graphql', JSON.stringify(batch));
    expect([response.status, await response.json()]).toEqual([
      413,
      { errors: [{ message: `The batch has ${maxBatch + 1} operations; the gateway's maxBatch is ${maxBatch}.`, extensions: { code: 'LIMIT_EXCEEDED', limit: 'maxBatch', max: maxBatch } }] },
    ]);
  });
});
