import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../../src/config.js';

/**
 * `/docs` in a real browser: Debian's Chromium (`scripts/ensure-chromium.sh`, run by `npm test`,
 * installs it where missing) driven by playwright-core against the app listening on a free port.
 * Swagger UI must render real response examples from the components, not `"string"`.
 */
const CHROMIUM = '/usr/bin/chromium';
/** A few seconds on an idle machine; far more on a loaded shared one, which is no failure. */
const SLOW_MACHINE_MS = 60_000;
const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'docs-chromium-'));
let app: FastifyInstance;
let browser: BrowserContext;
let page: Page;

beforeAll(async () => {
  app = await buildApp({ config: testConfig(), logger: false });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  // A fresh profile each run (Playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  await page.goto(`${origin}/docs`);
  await page.locator('.opblock').first().waitFor({ timeout: SLOW_MACHINE_MS });
}, SLOW_MACHINE_MS * 2);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  rmSync(userDataDir, { recursive: true, force: true });
});

describe('/docs in Chromium', () => {
  it('shows a summary on every operation', async () => {
    const operations = page.locator('.opblock');
    const count = await operations.count();
    expect(count).toBeGreaterThan(50);
    const summaries = await page.locator('.opblock .opblock-summary-description').allTextContents();
    expect(summaries).toHaveLength(count);
    expect(summaries.filter((text) => text.trim() === '')).toEqual([]);
  });

  it('shows a real response example for GET /v1/groups/{groupId}', { timeout: SLOW_MACHINE_MS }, async () => {
    const operation = page.locator('#operations-groups-getGroup');
    await operation.locator('.opblock-summary').click();
    const response = operation.locator('.responses-table .response[data-code="200"]');
    const example = await response.locator('.microlight').first().textContent({ timeout: SLOW_MACHINE_MS });
    expect(example).toContain('"institutionType": "enterprise"');
    expect(example).toContain('"province": "CN-HE"');
    expect(example).not.toMatch(/^\s*"string"\s*$/);
    await expect(response.locator('.response-col_description').textContent()).resolves.toContain('OK');
  });
});
