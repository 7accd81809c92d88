/// <reference lib="dom" />
/**
 * Pages in a real browser: Debian's Chromium driven by playwright-core (CHROMIUM_PATH), offline. Each
 * page is watched for requests to any other host, failed requests and script errors; axe-core checks
 * accessibility in the page itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
  return chromium.launch({
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
}

export interface Watched {
  /** requests to anything but the hub (http or ws) and data: URLs */
  foreign: string[];
  failed: string[];
  errors: string[];
}

/** Records what a page asks of other hosts, what failed, and its script errors. */
export function watch(page: Page, hubUrl: string): Watched {
  const w: Watched = { foreign: [], failed: [], errors: [] };
  const ws = hubUrl.replace('http', 'ws');
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(hubUrl) && !url.startsWith(ws) && !url.startsWith('data:')) w.foreign.push(url);
  });
  // a request the page itself gave up (ERR_ABORTED: a screen's chunk still loading when the person
  // moves on, a stream the page has finished with) is not a failure; refused or reset connections are
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') w.failed.push(`${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('pageerror', (e) => w.errors.push(e.message));
  return w;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's violations on the page as it is now (WCAG 2.1 A and AA rules). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

/** The violations axe rates critical, as short lines for a failing expectation. */
export async function criticalViolations(page: Page): Promise<string[]> {
  return (await axeViolations(page))
    .filter((v) => v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * Signs in to the workbench through its development picker: the role and the district by their
 * Chinese names as the picker shows them (the defaults: 检察官, the whole city).
 */
export async function signInAs(page: Page, hubUrl: string, who: { role?: string; region?: string } = {}): Promise<void> {
  await page.goto(`${hubUrl}/app/`, { waitUntil: 'networkidle' });
  if (who.role) {
    await page.getByLabel('角色').click();
    await page.locator('.ant-select-item-option', { hasText: who.role }).click();
  }
  if (who.region) {
    await page.getByLabel('辖区').click();
    await page.keyboard.type(who.region);
    await page.keyboard.press('Enter');
  }
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

/** Gives the purpose of the task in the dialog a procurator is asked it in, and waits for the header to show it. */
export async function givePurpose(page: Page, purpose: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('办案用途').fill(purpose);
  await dialog.getByRole('button', { name: /确\s*定/ }).click();
  await page.getByTestId('purpose').getByText(purpose).waitFor();
}

/** Clicks a dialog's OK (AntD writes two Chinese characters with a space between them). */
export async function confirmDialog(page: Page): Promise<void> {
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /确\s*定/ })
    .click();
}

/**
 * A screenshot for people to look at (not compared): $TMPDIR/hub-workbench-<name>.png, or into
 * WORKBENCH_SCREENSHOTS (the README's come from `WORKBENCH_SCREENSHOTS=docs/screenshots npx jest test/workbench.test.ts`).
 */
export async function shot(page: Page, name: string): Promise<void> {
  // after the toasts (已保存) have gone, so that they hide nothing
  await page.waitForFunction(() => !document.querySelector('.ant-message-notice'), null, { timeout: 5_000 }).catch(() => undefined);
  await page.screenshot({
    path: process.env.WORKBENCH_SCREENSHOTS
      ? path.resolve(process.env.WORKBENCH_SCREENSHOTS, `${name}.png`)
      : path.join(os.tmpdir(), `hub-workbench-${name}.png`),
    fullPage: true,
  });
}

/** The page as it is now: no critical axe violation, no request to another host, no script error. */
export async function expectClean(page: Page, w: Watched): Promise<void> {
  expect(await criticalViolations(page)).toEqual([]);
  expect(w.foreign).toEqual([]);
  expect(w.errors).toEqual([]);
}
