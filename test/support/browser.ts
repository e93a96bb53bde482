import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium; `.ci/run` installs it. Nothing is downloaded. */
export const chromiumPath = process.env.WHARF_CHROMIUM ?? '/usr/bin/chromium';

/** Where browser tests leave their screenshots (gitignored). */
export const artifactsDir = new URL('../../test-artifacts/', import.meta.url);

let warned = false;

/**
 * `describe` for tests that drive a real browser: skipped with one line when
 * Chromium is missing, required (so failing) under CI=true.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  if (existsSync(chromiumPath) || process.env.CI === 'true') {
    describe(name, body);
    return;
  }
  if (!warned) {
    warned = true;
    console.warn(`skipping browser tests: no Chromium at ${chromiumPath}. To run them: apt-get install chromium (or run bash .ci/run).`);
  }
  describe.skip(name, body);
}

export interface Browser extends AsyncDisposable {
  context: BrowserContext;
  /** A new page whose console errors and uncaught exceptions are collected in `problems`. */
  newPage(): Promise<{ page: Page; problems: string[] }>;
}

/** Headless Chromium with a fresh profile, no background traffic. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'wharf-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      return { page, problems };
    },
    async [Symbol.asyncDispose]() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
