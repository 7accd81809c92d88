/// <reference lib="dom" />
/**
 * The offline IDE in a real browser: Debian's Chromium driven by playwright-core. The page must
 * render and run a query with every asset served by the hub itself; any request to another host fails
 * the test.
 */
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { registerTestSources, seedPersons } from './fixtures';
import { newLead } from '../datasources/services/leads';
import { startTestHub, type TestHub, until } from './helpers';

describe('the GraphQL IDE in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  let ids: string[];
  beforeAll(async () => {
    t = await startTestHub();
    ids = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 3, 1);
    browser = await launchChromium();
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

  it("runs a subscription over the hub's WebSocket and shows the event as it comes", async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(t.url) && !r.url().startsWith(t.url.replace('http', 'ws')) && !r.url().startsWith('data:'))
        foreign.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const token = await t.token({ role: 'PROCURATOR', sub: 'p-ide' });
    await page.goto(`${t.url}/graphql#token=${token}&purpose=${encodeURIComponent('监督审查')}`, { waitUntil: 'networkidle' });
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 20_000 });
    await page.evaluate(() => {
      const cm = (document.querySelector('.graphiql-query-editor .CodeMirror') as unknown as { CodeMirror: { setValue(v: string): void } })
        .CodeMirror;
      cm.setValue(
        'subscription Watch { leadChanged(filter: { rules: ["DET_OVERDUE_STAGE"] }) { cursor kind status lead { id person { name } } } }',
      );
    });
    // GraphiQL takes the operation's name from the editor a moment after an edit
    await page.waitForTimeout(1000);
    const before = t.hub.sources.feed.size;
    await page.locator('.graphiql-execute-button').click();
    await until('the IDE subscribed', () => t.hub.sources.feed.size > before, 20_000).catch(async (e) => {
      await page.screenshot({ path: path.join(os.tmpdir(), 'hub-ide-subscription-failure.png') });
      console.log(await page.locator('.graphiql-response').innerText(), errors);
      throw e;
    });
    // a lead found for a seeded person: the IDE shows its event
    const lead = newLead(
      {
        rule: 'DET_OVERDUE_STAGE',
        severity: 'HIGH',
        idNumber: ids[0],
        region: '500101',
        numbers: { days: 47 },
        explanation: '审查起诉阶段在押 47 天（测试）',
        explanationEn: '47 days in custody (test)',
        fingerprint: 'ide-1',
      },
      [],
      '测试',
      new Date(),
    );
    await t.hub.sources.leads.insertFound([lead]);
    await page.waitForFunction(() => document.querySelector('.graphiql-response')?.textContent?.includes('"CREATED"'), null, {
      timeout: 20_000,
    });
    const text = await page.locator('.graphiql-response').innerText();
    expect(text).toContain(`"id": "${(lead as unknown as { _id: { toHexString(): string } })._id.toHexString()}"`);
    expect(text).toContain('"status": "NEW"');
    await page.screenshot({ path: path.join(os.tmpdir(), 'hub-ide-subscription.png') });
    expect(text).not.toContain('"errors"');
    expect(foreign).toEqual([]);
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
