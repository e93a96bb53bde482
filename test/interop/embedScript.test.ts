import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithBrowser, launchBrowser, type Browser } from '../support/browser.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const sha384 = (bytes: ArrayBuffer) => `sha384-${createHash('sha384').update(Buffer.from(bytes)).digest('base64')}`;

describe('the embed script as a public static asset', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    // A gateway that lets one portal call its API cross-origin: the script stays loadable from any page.
    wharf = await startFixtureWharf({ corsOrigins: ['https://portal.example'] });
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
  });

  it('is served to any origin with Access-Control-Allow-Origin: *, revalidations included', async () => {
    const script = await fetch(`${wharf.wharf.origin}/embed/wharf-search.js`, { headers: { origin: 'https://elsewhere.example' } });
    expect(script.status).toBe(200);
    expect([script.headers.get('access-control-allow-origin'), script.headers.get('access-control-allow-credentials'), script.headers.get('cross-origin-resource-policy')]).toEqual(['*', null, 'cross-origin']);
    const again = await fetch(`${wharf.wharf.origin}/embed/wharf-search.js`, { headers: { origin: 'https://elsewhere.example', 'if-none-match': script.headers.get('etag')! } });
    expect([again.status, again.headers.get('access-control-allow-origin')]).toEqual([304, '*']);
    // The API itself still names only the configured portal, never the caller's origin.
    const api = await fetch(`${wharf.wharf.graphqlUrl}?query=%7Bregions%7Bcode%7D%7D`, { headers: { origin: 'https://elsewhere.example' } });
    expect(api.headers.get('access-control-allow-origin')).toBe('https://portal.example');
  });

  it('publishes its Subresource Integrity value, the SHA-384 of the script, at /embed/wharf-search.js.sri', async () => {
    const script = await fetch(`${wharf.wharf.origin}/embed/wharf-search.js`, { headers: { 'accept-encoding': 'gzip' } });
    const integrity = await fetch(`${wharf.wharf.origin}/embed/wharf-search.js.sri`);
    expect([integrity.status, integrity.headers.get('content-type'), integrity.headers.get('access-control-allow-origin')]).toEqual([200, 'text/plain; charset=utf-8', '*']);
    // fetch decompresses: the integrity holds for the body the browser hashes, gzipped on the wire or not.
    expect(await integrity.text()).toBe(`${sha384(await script.arrayBuffer())}\n`);
    expect((await fetch(`${wharf.wharf.origin}/embed/wharf-search.js.sri`, { method: 'POST' })).status).toBe(405);
  });
});

describeWithBrowser('the embed script in Chromium, as a module with integrity', () => {
  let wharf: FixtureWharf;
  let browser: Browser;
  let host: Server;
  let hostOrigin: string;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    host = createServer((request, response) => {
      const body = pages.get(new URL(request.url!, 'http://host').pathname);
      response.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    // Another origin than the gateway's: the script and every call are cross-origin.
    hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
    wharf = await startFixtureWharf({ corsOrigins: [hostOrigin] });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.[Symbol.asyncDispose]();
    await wharf?.[Symbol.asyncDispose]();
    await new Promise((resolve) => host?.close(resolve));
  });

  /** A portal page loading the script as the documentation's snippet does, with `integrity`. */
  const portal = (integrity: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Portal</title>
<script type="module" src="${wharf.wharf.origin}/embed/wharf-search.js" integrity="${integrity}" crossorigin="anonymous"></script></head>
<body><wharf-search query="trade" page-size="3"></wharf-search></body></html>`;

  it('runs from a page on another origin, calling the gateway it came from', async () => {
    const integrity = (await (await fetch(`${wharf.wharf.origin}/embed/wharf-search.js.sri`)).text()).trim();
    pages.set('/', portal(integrity));
    const { page, problems } = await browser.newPage();
    await page.goto(`${hostOrigin}/`);
    await page.locator('wharf-search li[part=card]').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('wharf-search li[part=card]').count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => customElements.get('wharf-search') !== undefined)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('does not run when the integrity does not match the script', async () => {
    pages.set('/tampered', portal(`sha384-${Buffer.alloc(48).toString('base64')}`));
    const { page, problems } = await browser.newPage();
    await page.goto(`${hostOrigin}/tampered`);
    await page.waitForLoadState('load');
    expect(await page.evaluate(() => customElements.get('wharf-search') === undefined)).toBe(true);
    expect(problems.some((line) => /integrity/i.test(line))).toBe(true);
    await page.close();
  });
});
