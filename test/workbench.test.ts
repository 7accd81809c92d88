/// <reference lib="dom" />
/**
 * The workbench (app/) in real Chromium, built by Vite and served by a real hub over real HTTP and the
 * real store: each role's main path as people take it, with no request to any other host and no
 * critical accessibility violation (axe-core). The hub requires trusted operations, so every request
 * the workbench makes must be one of its registered operations.
 */
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { axeViolations, confirmDialog, expectClean, givePurpose, launchChromium, shot, signInAs, watch } from './browser';
import { detentionInput, personId } from './fixtures';
import { buildWorkbench } from './workbench-build';
import { startDepartment, type Department } from './departments';
import { pushLines, registerCustodySource, startTestHub, type TestHub, type TestSource, until } from './helpers';
import { TrustedOperations } from '../datasources/services/trusted-operations';
import { workbenchOperations } from '../server/routes/workbench';

describe('the workbench in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  let dir: string;
  let source: TestSource;
  /** a prison's live source that answers 500: the dossier shows its banner and the rest */
  let down: Department;
  const id = personId(71);

  beforeAll(async () => {
    dir = buildWorkbench();
    t = await startTestHub({ workbenchDir: dir, requireTrustedOperations: true, incrementalEvaluationMs: 200 });
    // a custody past its stage's limit, pushed as a detention centre pushes it: the hub raises its lead
    source = await registerCustodySource(t);
    // and four more persons' custodies in other months, for the analyst's chart (six months in all)
    await pushLines(
      t,
      source,
      [71, 72, 73, 74, 75].map((n) => JSON.stringify(detentionInput(personId(n), n))),
    );
    // and a push with a record the hub refuses (line 2), for the department's screen
    await pushLines(t, source, [
      JSON.stringify(detentionInput(personId(76), 76)),
      JSON.stringify({ ...detentionInput(personId(77), 77), stage: 'NAPPING' }),
    ]);
    await until('the lead', () => t.hub.sources.leads.models.Lead.collection.findOne({ idNumber: id, rule: 'DET_OVERDUE_STAGE' }), 30_000);
    down = await startDepartment({ records: [], mode: 'fail500' });
    const registered = await t.admin(
      'mutation($input: RegisterDataSourceInput!) { registerDataSource(input: $input) { dataSource { id } } }',
      {
        input: {
          name: '渝州监狱',
          department: { code: 'JY-01', name: '重庆市渝州监狱' },
          domain: 'PRISON',
          kind: 'REST',
          regions: ['50'],
          endpoint: down.url,
        },
      },
    );
    expect(registered.body.errors).toBeUndefined();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await down?.close();
    await browser?.close();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("registers the workbench's operations as trusted when the hub starts", async () => {
    const ops = workbenchOperations();
    expect(ops.map((o) => o.name)).toEqual(
      expect.arrayContaining(['WorkbenchLeads', 'WorkbenchLead', 'WorkbenchDossier', 'WorkbenchMoveLead']),
    );
    const trusted = new TrustedOperations(t.connection);
    for (const op of ops) expect(await trusted.isTrusted(op.query)).toBe(true);
  });

  it('procurator: signs in, gives the purpose, opens a lead from the inbox, sees the timeline, acknowledges the lead', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const w = watch(page, t.url);
    await page.goto(`${t.url}/app/`, { waitUntil: 'networkidle' });

    // development sign-in: a role and a region
    await page.getByRole('heading', { name: '登录检察监督工作台' }).waitFor();
    await expectClean(page, w);
    await shot(page, 'sign-in');
    await page.getByRole('button', { name: /登\s*录/ }).click();

    // the purpose, once per task, before any personal data
    await page.getByRole('dialog').getByLabel('办案用途').fill('渝检刑监〔2026〕7号');
    await confirmDialog(page);
    await page.getByTestId('purpose').getByText('渝检刑监〔2026〕7号').waitFor();

    // the inbox shows the pushed custody's lead, with its numbers in the explanation
    const link = page.getByRole('row', { name: new RegExp(id) }).getByRole('link', { name: /侦查羁押/ });
    await link.waitFor({ timeout: 20_000 });
    await expectClean(page, w);
    await shot(page, 'procurator-leads');
    await link.click();

    // the lead: rule, explanation, person, status NEW
    await page.getByRole('heading', { name: /超期羁押/ }).waitFor();
    await expect(page.getByTestId('lead-status').innerText()).resolves.toBe('新线索');
    // its figures, named in Chinese: the limit as the law words it, the days over
    await page.getByRole('row', { name: /^法定期限\s+2 个月$/ }).waitFor();
    await page.getByRole('row', { name: /^超期天数\s+\d+$/ }).waitFor();
    await expectClean(page, w);
    await shot(page, 'procurator-lead');

    // the person's dossier: the custody on the timeline, the lead beside it
    await page.getByRole('link', { name: new RegExp(id) }).click();
    await page.getByRole('heading', { name: /一人一档 · 王伟/ }).waitFor();
    await page.getByText('重庆市万州区看守所 · 侦查羁押').waitFor();
    // the prison's source is down: a banner names it, the rest of the dossier is there
    await page.getByRole('alert').getByText('数据源暂不可用：渝州监狱。其余数据照常显示。').waitFor();
    await expect(page.getByRole('link', { name: '超期羁押' }).count()).resolves.toBeGreaterThan(0);
    await expectClean(page, w);
    await shot(page, 'procurator-dossier');

    // back to the lead (a deep link), and acknowledge it with a note
    await page.getByRole('link', { name: '超期羁押' }).first().click();
    await page.getByRole('button', { name: /受\s*理/ }).click();
    await confirmDialog(page);
    await page.getByText('请填写处理说明').waitFor(); // a note is required
    await page.getByRole('dialog').getByLabel('处理说明').fill('已向看守所了解情况');
    await confirmDialog(page);
    await until('acknowledged on the page', async () => (await page.getByTestId('lead-status').innerText()) === '已受理', 10_000);
    const lead = await t.hub.sources.leads.models.Lead.collection.findOne({ idNumber: id, rule: 'DET_OVERDUE_STAGE' });
    expect(lead?.status).toBe('ACKNOWLEDGED');
    expect(lead?.history.at(-1)).toMatchObject({ status: 'ACKNOWLEDGED', note: '已向看守所了解情况', actor: 'dev-procurator-50' });
    await page.getByText('已向看守所了解情况').waitFor();
    await expectClean(page, w);
    expect(w.failed).toEqual([]);
    await page.close();
  });

  it('analyst: builds a region × month chart of custodies and exports exactly the rows shown', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    const w = watch(page, t.url);
    await signInAs(page, t.url, { role: '分析人员' });
    // the analyst's home is the statistics builder; its first build is custodies by region and month
    await page.getByRole('heading', { name: '统计分析' }).waitFor();
    await page.getByRole('img', { name: /看守所羁押: 辖区 × 月份/ }).waitFor();
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    await until('the table', async () => (await rows.count()) === 6, 20_000);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    expect(shown).toContainEqual(['万州区', '2024年2月', '1']);
    expect(shown.every((r) => r[0] === '万州区')).toBe(true);
    await expectClean(page, w);
    await shot(page, 'analyst-statistics');

    // the CSV holds the same rows: one per bucket, the labels and the count
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /导出 CSV/ }).click()]);
    expect(download.suggestedFilename()).toBe('统计-DETENTION-REGION-MONTH.csv');
    const csv = fs
      .readFileSync((await download.path())!, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe('REGION,REGION label,MONTH,MONTH label,count,amount');
    const exported = csv.slice(1).map((line) => line.split(','));
    expect(exported.map((r) => [r[1], r[3], r[4]])).toEqual(shown);

    // another build: enforcement cases by year, one dimension (none pushed: an empty chart, no error)
    await page.getByLabel('领域').click();
    await page.locator('.ant-select-item-option', { hasText: '行政执法' }).click();
    await page.getByLabel('再按').click();
    await page.locator('.ant-select-item-option', { hasText: '年份' }).last().click();
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.getByRole('img', { name: /行政执法: 辖区 × 年份/ }).waitFor();
    await until('the empty table', async () => (await rows.count()) === 0, 10_000);
    await expectClean(page, w);

    // data quality: departments ranked, each share with the counts behind it, the sources under them, the trend by month
    await page.getByRole('link', { name: '数据质量' }).click();
    const department = page.getByRole('row', { name: /^1\s+重庆市万州区看守所/ });
    await department.waitFor();
    // accuracy: the stored records right, of those stored plus the one refused
    await expect(department.innerText()).resolves.toMatch(/\d+\.\d%\s*(\d+)\/(\d+)/);
    await page.getByRole('row', { name: /└ 万州区看守所/ }).waitFor();
    await page.getByRole('img', { name: '按月趋势: 重庆市万州区看守所' }).waitFor();
    await expectClean(page, w);
    await shot(page, 'analyst-quality');

    // an analyst's leads: persons masked as the hub masks them, and the page in English on request
    await page.getByRole('link', { name: '监督线索' }).click();
    await page.getByRole('heading', { name: '监督线索' }).waitFor();
    const person = page
      .getByRole('row', { name: /超期羁押/ })
      .first()
      .locator('td')
      .nth(2);
    await expect(person.innerText()).resolves.toMatch(/^王\* 500101\*{8}\d{3}[\dX]$/);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Supervision leads' }).waitFor();
    await page.getByRole('columnheader', { name: 'Severity' }).waitFor();
    await expectClean(page, w);
    await page.getByRole('button', { name: /中\s*文/ }).click();
    await page.close();
  });

  it("department: sees its source's health and the records its push had refused, and rotates the key", async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const w = watch(page, t.url);
    await signInAs(page, t.url, { role: '部门人员', region: '万州区' });

    // its sources: the detention centre's, healthy (its last push was accepted)
    await page.getByRole('heading', { name: '数据源' }).waitFor();
    const row = page.getByRole('row', { name: /万州区看守所/ });
    await row.getByText('正常').waitFor();
    await expectClean(page, w);
    await shot(page, 'department-sources');
    await row.getByRole('link', { name: '万州区看守所' }).click();

    // the refused record, its line and the reason naming the field
    await page.getByRole('heading', { name: /万州区看守所/ }).waitFor();
    const refused = page.getByRole('row', { name: /stage/ });
    await refused.waitFor();
    await expect(refused.innerText()).resolves.toMatch(/^\S+ \S+\t2\tD-500101\*{8}\d{4}-77\s+stage: Invalid option/);
    await expectClean(page, w);
    await shot(page, 'department-source');

    // rotating the key: confirmed, shown once; the old key stops working, the new one pushes
    await page.getByRole('button', { name: /更换接入密钥/ }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /更换接入密钥/ })
      .click();
    const key = (await page.getByTestId('new-key').innerText()).trim();
    expect(key).not.toBe(source.apiKey);
    await expectClean(page, w);
    await shot(page, 'department-new-key');
    const line = [JSON.stringify(detentionInput(personId(78), 78))];
    expect((await pushLines(t, source, line)).status).toBe(401);
    expect((await pushLines(t, { ...source, apiKey: key }, line)).status).toBe(200);
    source = { ...source, apiKey: key };
    await page.getByRole('button', { name: /已保存/ }).click();
    await expect(page.getByTestId('new-key').count()).resolves.toBe(0);

    // suspended with a reason, the source refuses pushes; activated again, it takes them
    await page.getByRole('button', { name: /停\s*用/ }).click();
    await page.getByRole('dialog').getByLabel('停用原因').fill('系统升级');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /停\s*用/ })
      .click();
    await page.getByText('停用: 系统升级').waitFor();
    expect((await pushLines(t, source, [JSON.stringify(detentionInput(personId(79), 79))])).status).not.toBe(200);
    await page.getByRole('button', { name: /启\s*用/ }).click();
    await until('active again', async () => (await page.getByText('停用: 系统升级').count()) === 0, 10_000);
    expect((await pushLines(t, source, [JSON.stringify(detentionInput(personId(79), 79))])).status).toBe(200);
    expect(w.failed).toEqual([]);
    await page.close();
  });

  it('administrator: verifies the audit chain, and sees it broken once an entry is altered in the store', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const w = watch(page, t.url);
    await signInAs(page, t.url, { role: '管理员' });
    await page.getByRole('heading', { name: '审计日志' }).waitFor();
    // the entries of the other roles' work are listed, with their purposes
    await page.getByRole('cell', { name: '渝检刑监〔2026〕7号' }).first().waitFor();
    await page.getByRole('button', { name: '校验审计链' }).click();
    await page.getByText(/审计链完整：\d+ 条记录均未被篡改/).waitFor({ timeout: 30_000 });
    await expectClean(page, w);
    await shot(page, 'admin-audit');

    // an entry changed behind the hub's back: the next verification names it
    const audit = t.connection.db!.collection<{ _id: number; purpose?: string }>('audit_log');
    await audit.updateOne({ _id: 2 }, { $set: { purpose: '篡改' } });
    await page.getByRole('button', { name: '校验审计链' }).click();
    await page.getByText('审计链断裂：第 2 条 — its content does not match its hash (edited)').waitFor({ timeout: 30_000 });
    await shot(page, 'admin-audit-broken');
    const runs = await t.admin('{ auditVerifications(first: 2) { status checked brokenAt } }');
    expect(runs.body.data.auditVerifications).toEqual([
      { status: 'BROKEN', checked: 2, brokenAt: 2 },
      { status: 'HOLDS', checked: expect.any(Number), brokenAt: null },
    ]);
    expect(w.foreign).toEqual([]);
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('procurator: finds a person by name in a district and opens the dossier from the list', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const w = watch(page, t.url);
    await signInAs(page, t.url);
    await givePurpose(page, '渝检刑监〔2026〕7号');
    await page.getByRole('link', { name: '人员查询' }).click();
    await page.getByLabel('姓名').fill('王伟');
    // a name alone would list the whole city: the form asks for a district or a year first, as the hub does
    await page.getByRole('button', { name: /查\s*询/ }).click();
    await page.getByText('请填写区县（4或6位代码）或出生年份').waitFor();
    await page.getByLabel('出生年份').fill(id.slice(6, 10));
    await page.getByRole('button', { name: /查\s*询/ }).click();
    // the persons of that name born that year (all of the test's are 王伟 in 万州区), the one pushed first among them
    await page.getByRole('link', { name: id }).waitFor();
    await expectClean(page, w);
    await shot(page, 'procurator-person-search');
    await page.getByRole('link', { name: id }).click();
    await page.getByRole('heading', { name: /一人一档 · 王伟/ }).waitFor();
    expect(page.url()).toBe(`${t.url}/app/persons/${id}`);
    await expectClean(page, w);
    expect(w.failed).toEqual([]);
    await page.close();
  });

  it('shows a refused or unknown lead as such, and keeps the rest of the page working', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const w = watch(page, t.url);
    // a district procurator of another district: the lead is not in the jurisdiction
    await signInAs(page, t.url, { region: '渝中区' });
    // the hub takes a purpose of 3 to 200 characters: the form says so before sending anything
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('办案用途').fill('测试');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByText('办案用途须为3至200个字符').waitFor();
    await dialog.getByLabel('办案用途').fill('监督测试');
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.getByTestId('purpose').getByText('监督测试').waitFor();
    const lead = await t.hub.sources.leads.models.Lead.collection.findOne({ idNumber: id, rule: 'DET_OVERDUE_STAGE' });
    await page.goto(`${t.url}/app/leads/${lead!._id.toHexString()}`, { waitUntil: 'networkidle' });
    await page.getByText('没有这条线索，或不在您的辖区内').waitFor();
    await page.goto(`${t.url}/app/leads/not-a-lead`, { waitUntil: 'networkidle' });
    await page.getByText(/加载失败/).waitFor();
    await page.getByText(/is not a lead id/).waitFor();
    expect(await axeViolations(page).then((v) => v.filter((x) => x.impact === 'critical'))).toEqual([]);
    expect(w.foreign).toEqual([]);
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('offers development sign-in only outside production', async () => {
    const config = await (await fetch(`${t.url}/app/config.json`)).json();
    expect(config).toMatchObject({ signIn: 'development', graphqlPath: '/graphql' });
    const bad = await fetch(`${t.url}/app/dev-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'SUPERUSER' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'role', error: expect.stringContaining('PROCURATOR') });

    const production = await startTestHub({ production: true, workbenchDir: dir, dbName: `${t.connection.name}_p` });
    try {
      expect(await (await fetch(`${production.url}/app/config.json`)).json()).toMatchObject({ signIn: 'none' });
      const refused = await fetch(`${production.url}/app/dev-session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'ADMIN' }),
      });
      expect(refused.status).toBe(404);
      // the page and its deep links are served; assets are kept, the page is not
      const page = await fetch(`${production.url}/app/leads/123`);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const html = await page.text();
      expect(html).toContain('<div id="root">');
      // its script: kept a year (its name changes with its content), sent compressed
      const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)![1];
      const asset = await fetch(`${production.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-encoding')).toBe('gzip');
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    } finally {
      await production.close();
    }
  });
});
