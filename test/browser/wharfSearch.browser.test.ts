import { mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { demoPortalApiKey } from '../../gateway/demo/demoIdentity.ts';
import { artifactsDir, describeWithBrowser, launchBrowser, type Browser } from '../support/browser.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { startSingaporeRegion } from '../support/singaporeRegion.ts';

const containerAnnual = 'SG:d_085682b824700b4e88d946529f503da0';

/** A portal's page on its own origin, embedding the component with `attributes`. */
function hostPage(gateway: string, attributes: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Portal</title>
<script src="${gateway}/embed/wharf-search.js" defer></script>
<style>body{font-family:system-ui,sans-serif;margin:24px} wharf-search{--wharf-accent:#7b2cbf} wharf-search::part(badge){letter-spacing:.02em}</style></head>
<body><h1>Harbour data portal</h1><wharf-search ${attributes}></wharf-search>
<script>window.opened=[];document.addEventListener('wharf-open',e=>{if(!location.search.includes('follow'))e.preventDefault();window.opened.push(e.detail)});</script>
</body></html>`;
}

const cards = (page: Page) => page.locator('wharf-search li[part=card]');
/** The id of the element focused inside the component. */
const focusedId = (page: Page) => page.evaluate(() => document.querySelector('wharf-search')!.shadowRoot!.activeElement?.id ?? null);

async function waitForStatus(page: Page, text: string | RegExp): Promise<void> {
  await page.locator('wharf-search [role=status]', { hasText: text }).waitFor({ timeout: 10_000 });
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: fileURLToPath(new URL(`${name}.png`, artifactsDir)), fullPage: true });
}

describeWithBrowser('<wharf-search> and the catalogue page in Chromium', () => {
  let wharf: FixtureWharf;
  let singapore: Awaited<ReturnType<typeof startSingaporeRegion>>;
  let browser: Browser;
  let host: Server;
  let hostOrigin: string;
  let pages: Map<string, string>;
  let problems: string[] = [];
  /** Console lines a test expects (a blocked cross-origin call is logged by the browser itself). */
  let expected: RegExp | undefined;

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    pages = new Map();
    host = createServer((request, response) => {
      const body = pages.get(new URL(request.url!, 'http://host').pathname);
      response.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' }).end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    // Another origin than the gateway's (127.0.0.1 on another port): every call is cross-origin.
    hostOrigin = `http://localhost:${(host.address() as AddressInfo).port}`;
    singapore = await startSingaporeRegion();
    wharf = await startFixtureWharf({ extraRegions: [singapore.entry], corsOrigins: [hostOrigin] });
    const gateway = wharf.wharf.origin;
    pages.set('/', hostPage(gateway, `page-size="4" api-key="${demoPortalApiKey}" debounce="120"`));
    pages.set('/zh', hostPage(gateway, `lang="zh" page-size="4" regions="SG"`));
    pages.set('/elsewhere', hostPage(gateway, ''));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.[Symbol.asyncDispose]();
    await wharf?.[Symbol.asyncDispose]();
    await singapore?.[Symbol.asyncDispose]();
    await new Promise((resolve) => host?.close(resolve));
  });
  afterEach(() => {
    const unexpected = problems.filter((line) => !expected?.test(line));
    problems = [];
    expected = undefined;
    expect(unexpected).toEqual([]);
  });

  async function open(path: string): Promise<Page> {
    const opened = await browser.newPage();
    problems = opened.problems;
    await opened.page.goto(path.startsWith('http') ? path : `${hostOrigin}${path}`);
    return opened.page;
  }

  it('finds a known Singapore dataset by typing, with its highlighted title, region, publisher, format, date and access badge', async () => {
    const page = await open('/');
    const calls: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname !== '/graphql') return;
      const hashed = JSON.parse(url.searchParams.get('extensions') ?? '{}').persistedQuery?.sha256Hash;
      calls.push(`${request.method()} ${url.searchParams.has('query') ? 'text' : hashed ? 'hash' : 'none'}`);
    });
    await page.locator('wharf-search input').pressSequentially('container throughput', { delay: 20 });
    await waitForStatus(page, '2 datasets');
    const first = cards(page).first();
    // An answer to a prefix typed on the way ("container throughpu") may still be shown for a moment: its status reads alike.
    await expect.poll(() => first.locator('mark').allInnerTexts(), { timeout: 10_000 }).toEqual(['Container', 'Throughput']);
    expect(await first.getAttribute('data-id')).toBe(containerAnnual);
    expect(await first.locator('[part=title]').innerText()).toBe('Container Throughput, Annual');
    expect([await first.locator('[part=region]').innerText(), await first.locator('[part=region]').getAttribute('title')]).toEqual(['🇸🇬 Singapore', 'SG']);
    expect(await first.locator('[part=publisher]').innerText()).toBe('Maritime and Port Authority of Singapore');
    expect(await first.locator('[part=format]').allInnerTexts()).toEqual(['Table (CSV)']);
    expect(await first.locator('[part=modified]').innerText()).toBe('Updated Feb 24, 2024');
    // The portal key is the public scope: Singapore's open data licence asks for attribution, which is still open data.
    expect(await first.locator('[part~=badge]').innerText()).toBe('Open with attribution');
    expect(await first.locator('[part~=badge]').getAttribute('data-decision')).toBe('CONDITIONAL');
    await expect.poll(() => page.locator('wharf-search [part=suggestion]').first().innerText(), { timeout: 10_000 }).toMatch(/^Container Throughput/);
    await shot(page, 'wharf-search-results');
    // Every call is a persisted-query GET (the preflights for x-api-key are OPTIONS).
    expect(calls.filter((call) => !call.startsWith('OPTIONS')).length).toBeGreaterThan(1);
    expect(new Set(calls.filter((call) => !call.startsWith('OPTIONS')))).toEqual(new Set(['GET hash']));
  });

  it('filters by a facet chip, and clears it', async () => {
    const page = await open('/');
    await page.locator('wharf-search input').fill('singapore');
    await waitForStatus(page, '28 datasets');
    const geojson = page.locator('wharf-search [part=chip][data-field=FORMAT][data-value=GEOJSON]');
    expect(await geojson.innerText()).toBe('Map data (GeoJSON) 2');
    await geojson.click();
    await waitForStatus(page, '2 datasets');
    expect(await geojson.getAttribute('aria-pressed')).toBe('true');
    const titles = await cards(page).locator('[part=title]').allInnerTexts();
    expect(titles).toHaveLength(2);
    for (const title of titles) expect(title).toMatch(/^Coastal and Marine Habitat Map of Singapore/);
    expect(await cards(page).locator('[part=format]').allInnerTexts()).toEqual(['Map data (GeoJSON)', 'Map data (GeoJSON)']);
    await shot(page, 'wharf-search-facet');
    await page.locator('wharf-search [part=clear]').click();
    await waitForStatus(page, '28 datasets');
  });

  it('pages with load-more by cursor until every result is shown', async () => {
    const page = await open('/');
    await page.locator('wharf-search input').fill('singapore');
    await waitForStatus(page, '28 datasets');
    expect(await cards(page).count()).toBe(4);
    const more = page.locator('wharf-search [part=load-more]');
    for (let shown = 4; shown < 28; shown += 4) {
      await more.click();
      await cards(page).nth(shown + 3).waitFor();
    }
    await more.waitFor({ state: 'hidden' });
    const ids = await cards(page).evaluateAll((items) => items.map((item) => item.getAttribute('data-id')));
    expect(ids).toHaveLength(28);
    expect(new Set(ids).size).toBe(28);
  });

  it('moves between result links with the arrow keys, opens one with Enter, returns to the box with Escape, and shows the empty state', async () => {
    const page = await open('/');
    const input = page.locator('wharf-search input');
    expect(await input.getAttribute('type')).toBe('search');
    await input.fill('throughput');
    await waitForStatus(page, '6 datasets');
    await input.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await focusedId(page)).toBe('r1');
    const second = await cards(page).nth(1).getAttribute('data-id');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (window as unknown as { opened: unknown[] }).opened)).toEqual([
      { id: second, url: `${wharf.wharf.origin}/datasets/${encodeURIComponent(second!)}` },
    ]);
    await page.keyboard.press('Escape');
    expect(await focusedId(page)).toBe('q');
    await input.fill('qqqzzzxxv');
    await waitForStatus(page, 'No datasets match your search.');
    expect(await cards(page).count()).toBe(0);
  });

  it('opens the dataset page on the gateway when the portal lets Enter through', async () => {
    const page = await open('/?follow');
    const input = page.locator('wharf-search input');
    await input.fill('container throughput annual');
    await waitForStatus(page, /datasets?$/);
    await input.press('ArrowDown');
    await Promise.all([page.waitForURL(`${wharf.wharf.origin}/datasets/${encodeURIComponent(containerAnnual)}`), page.keyboard.press('Enter')]);
    expect(await page.locator('h1').innerText()).toBe('Container Throughput, Annual');
    expect([await page.locator('#access [data-decision]').innerText(), await page.locator('#access [data-decision]').getAttribute('data-decision')]).toEqual(['Open with attribution', 'CONDITIONAL']);
    expect(await page.locator('#access .obligations li').allInnerTexts()).toEqual(['Credit the publisher when you use the data']);
  });

  it('shows the Chinese UI with lang="zh"', async () => {
    const page = await open('/zh');
    const input = page.locator('wharf-search input');
    expect(await input.getAttribute('placeholder')).toBe('搜索数据集…');
    await input.fill('throughput');
    await waitForStatus(page, '共 6 个数据集');
    expect(await cards(page).first().locator('[part~=badge]').innerText()).toBe('开放（需署名）');
    expect(await page.locator('wharf-search [part=load-more]').innerText()).toBe('显示更多');
    expect(await cards(page).first().locator('[part=modified]').innerText()).toMatch(/^更新于 2024年/);
    await shot(page, 'wharf-search-zh');
  });

  it('shows the error state when the gateway does not allow the portal\'s origin', async () => {
    // The same portal server under another name: an origin the allow-list does not hold.
    expected = /CORS policy|Failed to load resource|ERR_FAILED/;
    const page = await open(hostOrigin.replace('localhost', '127.0.0.1') + '/elsewhere');
    await page.locator('wharf-search input').fill('throughput');
    await waitForStatus(page, 'The catalogue could not be reached.');
    expect(await page.locator('wharf-search [part=retry]').isVisible()).toBe(true);
    expect(problems.some((line) => /CORS policy/.test(line))).toBe(true);
  });

  it('renders the catalogue page\'s search and a dataset\'s lineage graph with a cross-border edge', async () => {
    // Guangxi's raw border records become confidential: the graph shows them as a locked stub.
    const file = join(wharf.regions.get('CN-GX')!.folder, 'border-trade-raw.yaml');
    await writeFile(file, `${await readFile(file, 'utf8')}access: { tier: confidential }\n`);
    await wharf.wharf.catalogue.harvester.harvest('CN-GX');

    const home = await open(`${wharf.wharf.origin}/?q=trade`);
    await waitForStatus(home, '3 datasets');
    await shot(home, 'catalogue-home');

    const page = await open(`${wharf.wharf.origin}/datasets/VN%3Alang-son-border-trade`);
    const graph = page.locator('svg.lineage');
    await graph.waitFor();
    const crossBorder = graph.locator('g.edge.cross-border');
    expect(await crossBorder.evaluateAll((edges) => edges.map((edge) => `${edge.getAttribute('data-from')}→${edge.getAttribute('data-to')}`).sort())).toEqual(['CN-GX→MO', 'MO→VN']);
    // The edge from the hidden raw records names no jurisdiction of theirs, so it is not marked cross-border.
    expect(await crossBorder.locator('text').allTextContents()).toEqual(expect.arrayContaining(['MO → VN']));
    expect(await graph.locator('g.node.restricted').getAttribute('data-id')).toBe('CN-GX:border-trade-raw');
    const box = await crossBorder.first().locator('path').boundingBox();
    expect(box!.width).toBeGreaterThan(20);
    expect(await page.locator('script[type="application/ld+json"]').count()).toBe(1);
    await shot(page, 'catalogue-lineage');
  });
});
