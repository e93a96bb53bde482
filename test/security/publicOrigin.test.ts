import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const datasetPath = '/datasets/MO:trade-balance';

/** The canonical link and the JSON-LD URLs of a dataset page. */
function selfReferences(page: string) {
  const canonical = /<link rel="canonical" href="([^"]+)">/.exec(page)?.[1];
  const jsonLd = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page)![1]!) as { '@id': string; url: string; includedInDataCatalog: { url: string } };
  return { canonical, id: jsonLd['@id'], url: jsonLd.url, catalogue: jsonLd.includedInDataCatalog.url };
}

describe('a dataset page asked for under another Host', () => {
  let listening: FixtureWharf;
  let configured: FixtureWharf;
  beforeAll(async () => {
    [listening, configured] = await Promise.all([startFixtureWharf({}), startFixtureWharf({ publicOrigin: 'https://data.example.org' })]);
  });
  afterAll(async () => {
    await listening?.[Symbol.asyncDispose]();
    await configured?.[Symbol.asyncDispose]();
  });

  /** The page as a request whose Host header names `host` gets it. */
  async function pageUnder(wharf: FixtureWharf, host: string): Promise<string> {
    const response = await wharf.wharf.gateway.fetch(new Request(`http://${host}${datasetPath}`, { headers: { accept: 'text/html' } }));
    expect(response.status).toBe(200);
    return response.text();
  }

  it('names itself by the origin the gateway listens on, not by the Host header', async () => {
    const page = await pageUnder(listening, 'attacker.example');
    const origin = listening.wharf.origin;
    expect(selfReferences(page)).toEqual({ canonical: `${origin}/datasets/MO%3Atrade-balance`, id: `${origin}/datasets/MO%3Atrade-balance`, url: `${origin}/datasets/MO%3Atrade-balance`, catalogue: `${origin}/` });
    expect(page).not.toContain('attacker.example');
  });

  it('names itself by WHARF_PUBLIC_ORIGIN when it is set', async () => {
    const page = await pageUnder(configured, 'attacker.example');
    expect(selfReferences(page)).toEqual({
      canonical: 'https://data.example.org/datasets/MO%3Atrade-balance',
      id: 'https://data.example.org/datasets/MO%3Atrade-balance',
      url: 'https://data.example.org/datasets/MO%3Atrade-balance',
      catalogue: 'https://data.example.org/',
    });
    expect(page).not.toContain('attacker.example');
  });
});
