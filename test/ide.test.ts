/// <reference lib="dom" />
/**
 * The offline IDE in a real browser: Debian's Chromium driven by playwright-core. The page must
 * render and run a query with every asset served by the hub itself; any request to another host fails
 * the test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { registerTestSources, seedPersons } from './fixtures';
import { startTestHub, type TestHub } from './helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the GraphQL IDE in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  let ids: string[];
  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
    t = await startTestHub();
    ids = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 3, 1);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it("renders from the hub's own files and runs the example dossier query", async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    const failed: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(t.url) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));

    const token = await t.token({ role: 'PROCURATOR' });
    const res = await page.goto(`${t.url}/graphql#token=${token}&purpose=TEST-2025-001`, { waitUntil: 'networkidle' });
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toContain('text/html');
    await page.waitForSelector('.graphiql-container', { timeout: 20_000 });
    const editorText = await page.locator('.graphiql-query-editor').innerText();
    expect(editorText).toContain('person(idNumber: $idNumber)');

    // Run the example query (its variables hold a seeded person's ID number) with the IDE's button.
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response');
    await page
      .waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('totalCount'), null, { timeout: 20_000 })
      .catch(async (e) => {
        await page.screenshot({ path: path.join(os.tmpdir(), 'hub-ide-failure.png') });
        console.log(await result.innerText(), failed, errors);
        throw e;
      });
    const text = await result.innerText();
    expect(text).toContain('"totalCount": 1');
    expect(text).toContain(ids[0]);
    expect(text).toContain('重庆市万州区看守所');
    expect(text).not.toContain('"errors"');

    expect(foreign).toEqual([]);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('serves GraphQL, not the page, to a GET that asks for JSON', async () => {
    const res = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ hubInfo { version } }')}`, {
      headers: {
        accept: 'application/graphql-response+json',
        'apollo-require-preflight': 'true',
        authorization: `Bearer ${await t.token({ role: 'ANALYST' })}`,
      },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { hubInfo: { version: expect.any(String) } } });
  });
});
