import { mkdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import { artifactsDir, describeWithBrowser, launchBrowser, type Browser } from '../support/browser.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { startSingaporeRegion } from '../support/singaporeRegion.ts';

const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const phone = { width: 390, height: 844 };
const desktop = { width: 1100, height: 900 };
const languages = ['en', 'zh', 'vi'] as const;

const results = (page: Page) => page.locator('wharf-search li[part=card]');
const waitForStatus = (page: Page, text: string | RegExp) => page.locator('wharf-search [role=status]', { hasText: text }).waitFor({ timeout: 15_000 });

/** The page's serious and critical axe-core violations (WCAG 2.1 A and AA), as `rule: target` lines. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's own policy (script-src 'self') does not apply to it.
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.filter((item) => item.impact === 'serious' || item.impact === 'critical').flatMap((item) => item.nodes.map((node) => `${item.id}: ${JSON.stringify(node.target)}`));
  });
  return found;
}

/** How far the page itself scrolls sideways, in CSS pixels (0: it fits). */
const sidewaysOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describeWithBrowser('catalogue pages in Chromium', () => {
  let wharf: FixtureWharf;
  let singapore: Awaited<ReturnType<typeof startSingaporeRegion>>;
  let browser: Browser;
  let origin: string;
  let problems: string[] = [];
  let expected: RegExp | undefined;

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    singapore = await startSingaporeRegion();
    wharf = await startFixtureWharf({ extraRegions: [singapore.entry] });
    origin = wharf.wharf.origin;
    // Guangxi's raw border records become confidential (a locked stub to others); Hanoi's air quality internal (a denial to anonymous visitors).
    for (const [code, file, tier] of [['CN-GX', 'border-trade-raw.yaml', 'confidential'], ['VN', 'hanoi-air-quality.yaml', 'internal']] as const) {
      const path = join(wharf.regions.get(code)!.folder, file);
      await writeFile(path, `${await readFile(path, 'utf8')}access: { tier: ${tier} }\n`);
      await wharf.wharf.catalogue.harvester.harvest(code);
    }
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.[Symbol.asyncDispose]();
    await wharf?.[Symbol.asyncDispose]();
    await singapore?.[Symbol.asyncDispose]();
  });
  afterEach(() => {
    const unexpected = problems.filter((line) => !expected?.test(line));
    problems = [];
    expected = undefined;
    expect(unexpected).toEqual([]);
  });

  async function open(path: string, options: { size?: { width: number; height: number }; token?: string } = {}): Promise<Page> {
    const opened = await browser.newPage();
    problems = opened.problems;
    await opened.page.setViewportSize(options.size ?? desktop);
    if (options.token) await opened.page.setExtraHTTPHeaders({ authorization: `Bearer ${options.token}` });
    await opened.page.goto(`${origin}${path}`);
    return opened.page;
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: fileURLToPath(new URL(`${name}.png`, artifactsDir)), fullPage: true });
  }

  it('keeps the search in the address: typing, a filter, the sort and more pages survive a reload, Back and a shared link', async () => {
    const page = await open('/?lang=en');
    await page.locator('wharf-search input').fill('singapore');
    await waitForStatus(page, '28 datasets');
    await page.waitForURL((url) => url.searchParams.get('q') === 'singapore');
    await page.locator('wharf-search [part=chip][data-field=FORMAT][data-value=GEOJSON]').click();
    await waitForStatus(page, '2 datasets');
    expect(new URL(page.url()).searchParams.getAll('format')).toEqual(['GEOJSON']);
    await page.locator('wharf-search [part=clear]').click();
    await waitForStatus(page, '28 datasets');
    await page.locator('wharf-search select[part=sort]').selectOption('TITLE');
    await page.waitForURL((url) => url.searchParams.get('sort') === 'TITLE');
    await results(page).nth(9).waitFor();
    await page.locator('wharf-search [part=load-more]').click();
    await results(page).nth(19).waitFor();
    const search = new URL(page.url()).searchParams;
    expect([search.get('lang'), search.get('q'), search.get('sort'), search.get('page'), search.getAll('format')]).toEqual(['en', 'singapore', 'TITLE', '2', []]);
    const titles = await results(page).locator('[part=title]').allInnerTexts();
    expect(titles).toHaveLength(20);
    expect([...titles].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }))).toEqual(titles);

    // Reload: the same search, the same 20 results.
    await page.reload();
    await waitForStatus(page, '28 datasets');
    await results(page).nth(19).waitFor();
    expect(await results(page).locator('[part=title]').allInnerTexts()).toEqual(titles);
    expect(await page.locator('wharf-search input').inputValue()).toBe('singapore');

    // Back: one step per choice (load-more, sort, clear, filter), typing made none.
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('page'));
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('sort'));
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get('format') === 'GEOJSON');
    await waitForStatus(page, '2 datasets');
    expect(await page.locator('wharf-search [part=chip][data-value=GEOJSON]').getAttribute('aria-pressed')).toBe('true');

    // A shared link, in a fresh page.
    const shared = await open(`/?lang=zh&q=singapore&format=GEOJSON`);
    await waitForStatus(shared, '共 2 个数据集');
    for (const title of await results(shared).locator('[part=title]').allInnerTexts()) expect(title).toMatch(/^Coastal and Marine Habitat Map of Singapore/);
  });

  it('returns from a dataset to the same search by "Back to search" and by the browser\'s Back', async () => {
    const page = await open('/?lang=vi');
    await page.locator('wharf-search input').fill('throughput');
    await waitForStatus(page, '6 bộ dữ liệu');
    await page.locator('wharf-search select[part=sort]').selectOption('MODIFIED');
    await page.waitForURL((url) => url.searchParams.get('sort') === 'MODIFIED');
    const searchUrl = page.url();
    const first = results(page).first();
    const id = await first.getAttribute('data-id');
    await Promise.all([page.waitForURL((url) => url.pathname === `/datasets/${encodeURIComponent(id!)}`), first.locator('[part=title]').click()]);
    const back = page.locator('#back');
    expect(await back.innerText()).toBe('← Quay lại tìm kiếm');
    expect(new URL(await back.getAttribute('href') ?? '', origin).search).toBe(new URL(searchUrl).search);
    await page.goBack();
    await waitForStatus(page, '6 bộ dữ liệu');
    expect(page.url()).toBe(searchUrl);
    expect(await results(page).first().getAttribute('data-id')).toBe(id);
    await page.goForward();
    await Promise.all([page.waitForURL((url) => url.search === new URL(searchUrl).search), page.locator('#back').click()]);
    await waitForStatus(page, '6 bộ dữ liệu');
    expect(await page.locator('wharf-search select[part=sort]').inputValue()).toBe('MODIFIED');
  });

  it('runs GraphiQL with every request but this gateway\'s blocked: titled Wharf, the example operations as tabs, a query answered', async () => {
    const opened = await browser.newPage();
    problems = opened.problems;
    const page = opened.page;
    const outside: string[] = [];
    await page.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      outside.push(url.href);
      return route.abort('internetdisconnected');
    });
    await page.goto(`${origin}/graphql`);
    expect(await page.title()).toBe('Wharf GraphQL');
    await page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
    const tabs = page.locator('.graphiql-tab');
    await expect.poll(() => tabs.count(), { timeout: 15_000 }).toBe(3);
    const editorText = () => page.locator('.graphiql-query-editor').first().innerText().then((text) => text.replace(/\u00a0/g, ' '));
    await expect.poll(editorText, { timeout: 15_000 }).toContain('query Search($query: String, $lang: String)');
    expect(await editorText()).toContain('{"Authorization": "Bearer <token>"}');
    await page.locator('.graphiql-execute-button').click();
    await page.locator('.graphiql-response').getByText('"totalCount"').waitFor({ timeout: 15_000 });
    expect((await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ')).toContain('"totalCount": 3,');
    await shot(page, 'graphiql-offline-desktop');
    expect(outside).toEqual([]);
  });

  it('says themes, formats, access, quality and regions in words in zh, vi and pt, and falls back to English before the dataset\'s own language', async () => {
    const sg = await open('/?lang=zh&q=container%20throughput%20annual');
    await waitForStatus(sg, /共 \d+ 个数据集/);
    const card = results(sg).first();
    expect(await card.locator('[part~=badge]').innerText()).toBe('开放（需署名）');
    expect(await card.locator('[part=format]').first().innerText()).toBe('表格 (CSV)');
    expect(await card.locator('[part=region]').innerText()).toContain('新加坡');

    const vi = await open('/?lang=vi&q=trade');
    await waitForStatus(vi, '3 bộ dữ liệu');
    expect(await vi.locator('wharf-search [part=chip][data-field=REGION][data-value=MO]').innerText()).toBe('Đặc khu hành chính Ma Cao 2');
    expect(await vi.locator('#themes a[data-theme=ECON]').innerText()).toMatch(/^Kinh tế và tài chính \d+$/);
    expect(await vi.locator('#regions li[data-region=VN] a').innerText()).toBe('Việt Nam');

    const denied = await open('/datasets/VN%3Ahanoi-air-quality?lang=zh');
    expect(await denied.locator('#access .badge').innerText()).toBe('受限');
    expect(await denied.locator('#access .badge').getAttribute('data-decision')).toBe('DENY');

    const reexport = await open('/datasets/MO%3Areexport-reconciliation?lang=zh');
    expect(await reexport.locator('#details [data-theme=ECON]').innerText()).toBe('经济和金融');
    expect(await reexport.locator('#distributions [data-format=XLSX]').innerText()).toBe('电子表格 (XLSX)');
    expect(await reexport.locator('main > p.muted').first().innerText()).toMatch(/^澳门特别行政区/);

    const container = await open(`/datasets/${encodeURIComponent('SG:d_085682b824700b4e88d946529f503da0')}?lang=vi`);
    expect(await container.locator('#access .badge').innerText()).toBe('Mở, cần ghi nguồn');
    expect(await container.locator('#access .obligations li').innerText()).toBe('Ghi nguồn đơn vị công bố khi sử dụng dữ liệu');
    expect(await container.locator('#details dd a[rel=noopener]', { hasText: 'Giấy phép Dữ liệu mở Singapore' }).count()).toBe(1);

    // Macau's trade balance has Chinese and English text, no Portuguese: the pt page shows the English, marked as English.
    const pt = await open('/datasets/MO%3Atrade-balance?lang=pt');
    expect([await pt.locator('h1').innerText(), await pt.locator('h1').getAttribute('lang')]).toEqual(['Macau trade balance', 'en']);
    const zh = await open('/datasets/MO%3Atrade-balance?lang=zh');
    expect([await zh.locator('h1').innerText(), await zh.locator('h1').getAttribute('lang')]).toEqual(['澳門貿易差額', null]);
  });

  it('shows what the catalogue holds on the home page, counted for the visitor, and to a signed-in consumer what they may open', async () => {
    const page = await open('/?lang=en');
    const regions = page.locator('#regions li');
    expect(await regions.evaluateAll((items) => items.map((item) => item.getAttribute('data-region')))).toEqual(['CN-GX', 'MO', 'VN', 'SG']);
    // Guangxi's confidential raw records are not counted for an anonymous visitor.
    expect(await page.locator('#regions li[data-region=CN-GX] .count').innerText()).toBe('1 dataset');
    expect(await page.locator('#themes a[data-theme=ECON]').innerText()).toMatch(/^Economy and finance \d+$/);
    expect(await page.locator('#recent li').count()).toBe(6);
    expect(await page.locator('#may-open').count()).toBe(0);
    await Promise.all([page.waitForURL((url) => url.searchParams.get('region') === 'MO'), page.locator('#regions li[data-region=MO] a').click()]);
    await waitForStatus(page, '2 datasets');
    expect((await results(page).evaluateAll((items) => items.map((item) => item.getAttribute('data-id')))).sort()).toEqual(['MO:reexport-reconciliation', 'MO:trade-balance']);

    const official = await open('/?lang=en', { token: tokens['guangxi-official']! });
    expect(await official.locator('#regions li[data-region=CN-GX] .count').innerText()).toBe('2 datasets');
    expect(await official.locator('#may-open').innerText()).toContain('gx-official-2');
    expect(await official.locator('#may-open li').count()).toBeGreaterThan(0);
    for (const decision of await official.locator('#may-open li .badge').evaluateAll((items) => items.map((item) => item.getAttribute('data-decision')))) expect(decision).not.toBe('DENY');
  });

  it('draws what a dataset comes from on its left and what derives from it on its right, without cousins, with full titles and cross-border labels apart', async () => {
    const page = await open('/datasets/MO%3Atrade-balance?lang=en');
    const graph = page.locator('svg.lineage');
    const xOf = async (id: string) => (await graph.locator(`g.node[data-id="${id}"] rect`).boundingBox())!.x;
    const [customs, reexport, root, langSon] = await Promise.all(['CN-GX:customs-exports', 'MO:reexport-reconciliation', 'MO:trade-balance', 'VN:lang-son-border-trade'].map(xOf));
    expect(customs).toBeLessThan(reexport!);
    expect(reexport).toBeLessThan(root!);
    expect(root).toBeLessThan(langSon!);
    // The raw border records feed Lang Son's trade, not Macau's balance: a cousin, not drawn.
    expect(await graph.locator('g.node').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-id')).sort())).toEqual(['CN-GX:customs-exports', 'MO:reexport-reconciliation', 'MO:trade-balance', 'VN:lang-son-border-trade']);
    expect(await page.locator('#lineage .upstream li').evaluateAll((items) => items.map((item) => item.getAttribute('data-id')))).toEqual(['MO:reexport-reconciliation', 'CN-GX:customs-exports']);
    expect(await page.locator('#lineage .downstream li').evaluateAll((items) => items.map((item) => item.getAttribute('data-id')))).toEqual(['VN:lang-son-border-trade']);
    // The whole title is in the box.
    const customsBox = graph.locator('g.node[data-id="CN-GX:customs-exports"]');
    expect((await customsBox.locator('text').first().locator('tspan').allTextContents()).join(' ')).toBe('Nanning Customs export statistics');
    expect(await customsBox.locator('title').textContent()).toBe('Nanning Customs export statistics (CN-GX:customs-exports)');

    // Two cross-border edges arrive at Lang Son for an official who may see the raw records: their labels do not overlap.
    const official = await open('/datasets/VN%3Alang-son-border-trade?lang=en', { token: tokens['guangxi-official']! });
    const labels = official.locator('svg.lineage g.cross-border g.label rect');
    const boxes = await Promise.all((await labels.all()).map((label) => label.boundingBox()));
    expect(boxes.length).toBeGreaterThanOrEqual(3);
    for (const [i, a] of boxes.entries())
      for (const b of boxes.slice(i + 1)) expect(a!.x + a!.width <= b!.x || b!.x + b!.width <= a!.x || a!.y + a!.height <= b!.y || b!.y + b!.height <= a!.y).toBe(true);
    expect(await official.locator('svg.lineage g.node.restricted').count()).toBe(0);
    await shot(official, 'lineage-official-desktop');

    // Anonymous: the raw records are a locked stub with their id only.
    const anonymous = await open('/datasets/VN%3Alang-son-border-trade?lang=en', { size: phone });
    expect(await anonymous.locator('svg.lineage g.node.restricted').getAttribute('data-id')).toBe('CN-GX:border-trade-raw');
    expect(await anonymous.locator('svg.lineage g.node.restricted').textContent()).not.toContain('Pingxiang');
    // On a phone the picture keeps its size and scrolls in its box; the lists beside it read without scrolling.
    const svg = anonymous.locator('svg.lineage');
    expect(Math.round((await svg.boundingBox())!.width)).toBe(Math.round(Number(await svg.getAttribute('width'))));
    expect(await anonymous.locator('#lineage .graph').evaluate((box) => box.scrollWidth > box.clientWidth)).toBe(true);
    expect(await sidewaysOverflow(anonymous)).toBe(0);
    await shot(anonymous, 'lineage-anonymous-phone');
  });

  it('answers an unknown path with a 404 page for a browser', async () => {
    const opened = await browser.newPage();
    problems = opened.problems;
    expected = /404/;
    const response = await opened.page.goto(`${origin}/no/such/page?lang=zh`);
    expect(response!.status()).toBe(404);
    expect(await opened.page.locator('h1').innerText()).toBe('找不到页面');
    expect(await opened.page.locator('main a').getAttribute('href')).toBe('/?lang=zh');
  });

  const pageTypes: { name: string; path: (lang: string) => string; ready(page: Page): Promise<unknown>; status?: number }[] = [
    { name: 'home', path: (lang) => `/?lang=${lang}`, ready: (page) => page.locator('#recent li').first().waitFor() },
    { name: 'results', path: (lang) => `/?lang=${lang}&q=singapore&theme=TRAN`, ready: (page) => results(page).first().waitFor() },
    { name: 'dataset-open', path: (lang) => `/datasets/MO%3Areexport-reconciliation?lang=${lang}`, ready: (page) => page.locator('#lineage').waitFor() },
    { name: 'dataset-denied', path: (lang) => `/datasets/VN%3Ahanoi-air-quality?lang=${lang}`, ready: (page) => page.locator('#access').waitFor() },
    { name: 'not-found', path: (lang) => `/nothing-here?lang=${lang}`, ready: (page) => page.locator('#not-found').waitFor(), status: 404 },
  ];

  it('fits every page in 390 px without the page scrolling sideways, and has no serious or critical axe violation, in en, zh and vi', async () => {
    const found: Record<string, string[]> = {};
    for (const type of pageTypes) {
      for (const lang of languages) {
        for (const [sizeName, size] of [['desktop', desktop], ['phone', phone]] as const) {
          const page = await open(type.path(lang), { size });
          if (type.status) expected = /404/;
          await type.ready(page);
          const key = `${type.name} ${lang} ${sizeName}`;
          found[key] = [...(await axeViolations(page)), ...(sizeName === 'phone' && (await sidewaysOverflow(page)) > 0 ? [`overflows sideways by ${await sidewaysOverflow(page)} px`] : [])];
          await shot(page, `${type.name}-${lang}-${sizeName}`);
          await page.close();
        }
      }
    }
    expect(Object.fromEntries(Object.entries(found).filter(([, list]) => list.length))).toEqual({});
  }, 240_000);

  it('has no serious or critical axe violation in GraphiQL, and fits a phone', async () => {
    for (const [sizeName, size] of [['desktop', desktop], ['phone', phone]] as const) {
      const page = await open('/graphql', { size });
      await page.locator('.graphiql-container').first().waitFor({ timeout: 30_000 });
      await expect.poll(() => page.locator('.graphiql-query-editor').first().innerText(), { timeout: 15_000 }).toMatch(/query\sSearch/);
      expect(await axeViolations(page)).toEqual([]);
      expect(await sidewaysOverflow(page)).toBe(0);
      await shot(page, `graphiql-${sizeName}`);
    }
  }, 120_000);
});
