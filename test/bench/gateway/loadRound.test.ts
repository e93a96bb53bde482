import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRound } from '../../../bench/gateway/loadRound.ts';

/** Large answers in several scripts, so multi-byte characters straddle TCP reads. */
const answerFor = (term: string) => JSON.stringify({ data: { term, text: `${term} 海关貿易統計 Hà Nội Comércio `.repeat(4000) } });

describe('loadRound', () => {
  let url = '';
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const { term } = JSON.parse(body) as { term: string };
      response.setHeader('content-type', 'application/json');
      // Answers "wrong" with someone else's page.
      response.end(answerFor(term === 'wrong' ? 'other' : term));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('counts every response equal to its page reference as correct, non-ASCII bodies included', async () => {
    const pages = ['港口', 'cảng', 'porto'].map((term) => ({ body: JSON.stringify({ term }), expected: answerFor(term) }));
    const result = await loadRound({ url, connections: 4, durationS: 1, pages });
    expect(result.correct).toBeGreaterThan(0);
    expect(result).toMatchObject({ failures: 0, responses: result.correct });
    expect(result.firstFailure).toBeUndefined();
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms);
  });

  it('counts a response that differs from its reference as a failure and shows it', async () => {
    const pages = [
      { body: JSON.stringify({ term: 'right' }), expected: answerFor('right') },
      { body: JSON.stringify({ term: 'wrong' }), expected: answerFor('wrong') },
    ];
    let next = 0;
    const result = await loadRound({ url, connections: 2, durationS: 1, pages, pick: () => next++ % 2 });
    expect(result.failures).toBeGreaterThan(0);
    expect(result.correct + result.failures).toBe(result.responses);
    expect(Math.abs(result.correct - result.failures)).toBeLessThanOrEqual(2);
    expect(result.firstFailure).toMatch(/^HTTP 200: \{"data":\{"term":"other"/);
  });
});
