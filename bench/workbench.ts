/**
 * `npm run bench:workbench [-- --url http://localhost:4000 --runs 5]`: how soon the workbench is
 * usable, measured in Chromium (Debian's, CHROMIUM_PATH) against a running hub (`npm start`), each run
 * in a fresh browser context (an empty cache, as a first visit):
 * - sign-in page: from navigation to the sign-in button being clickable;
 * - leads inbox: from the click on 登录 (a procurator of the whole city) and the purpose given, to the
 *   first row of leads shown;
 * - bytes: what the first page transferred (compressed as sent), by the browser's resource timing.
 * Prints the median and the slowest of the runs; the goal of issue 27 is a first page usable within 2 s.
 */
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values } = parseArgs({
  options: { url: { type: 'string', default: 'http://localhost:4000' }, runs: { type: 'string', default: '5' } },
});
const base = values.url!.replace(/\/$/, '');
const runs = Number(values.runs);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const signIn: number[] = [];
  const inbox: number[] = [];
  const bytes: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(`${base}/app/`);
      await page.getByRole('button', { name: /登\s*录/ }).click({ trial: true });
      signIn.push(Date.now() - started);
      // what crossed the network for the page and its files (compressed as sent), by the browser's resource timing
      bytes.push(
        await page.evaluate(() =>
          [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].reduce(
            (n, e) => n + ((e as PerformanceResourceTiming).transferSize ?? 0),
            0,
          ),
        ),
      );
      const clicked = Date.now();
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.getByRole('dialog').getByLabel('办案用途').fill('性能测量');
      await page
        .getByRole('dialog')
        .getByRole('button', { name: /确\s*定/ })
        .click();
      await page.locator('.ant-table-tbody tr.ant-table-row').first().waitFor({ timeout: 60_000 });
      inbox.push(Date.now() - clicked);
      await context.close();
      process.stdout.write(
        `run ${i + 1}: sign-in page ${signIn[i]} ms (${(bytes[i] / 1024).toFixed(0)} KiB), leads inbox ${inbox[i]} ms\n`,
      );
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(
    `\nworkbench at ${base} (${runs} runs, each a first visit):\n` +
      `  sign-in page usable: median ${median(signIn)} ms, slowest ${Math.max(...signIn)} ms (goal ≤ 2000 ms)\n` +
      `  leads inbox after signing in: median ${median(inbox)} ms, slowest ${Math.max(...inbox)} ms\n` +
      `  first page transferred: ${(median(bytes) / 1024).toFixed(0)} KiB\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`bench:workbench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
