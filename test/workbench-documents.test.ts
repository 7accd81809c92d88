/// <reference lib="dom" />
/**
 * Supervision documents in the workbench, in real Chromium against a real hub (trusted operations
 * required) and the real store: a procurator issues a recommendation from a lead selected in the inbox
 * (the hub's refusal of a bad deadline shown on the form, nothing lost), the department addressed signs
 * it and answers in writing, the procurator opens it by its link and accepts the answer, which resolves
 * the lead. Every page: no request to another host, no script error, no critical axe violation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { confirmDialog, expectClean, givePurpose, launchChromium, shot, signInAs, watch } from './browser';
import { detentionInput, personId } from './fixtures';
import { buildWorkbench } from './workbench-build';
import { pushLines, registerCustodySource, startTestHub, type TestHub, until } from './helpers';

describe('supervision documents in the workbench', () => {
  let t: TestHub;
  let browser: Browser;
  let dir: string;
  const id = personId(81);

  beforeAll(async () => {
    dir = buildWorkbench();
    t = await startTestHub({ workbenchDir: dir, requireTrustedOperations: true, incrementalEvaluationMs: 200 });
    const source = await registerCustodySource(t);
    expect((await pushLines(t, source, [JSON.stringify(detentionInput(id, 81))])).status).toBe(200);
    await until('the lead', () => t.hub.sources.leads.models.Lead.collection.findOne({ idNumber: id, rule: 'DET_OVERDUE_STAGE' }), 30_000);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const status = (page: Page) => page.getByTestId('document-status').innerText();
  const documents = () => t.connection.db!.collection<{ _id: unknown; status: string; number: string }>('supervision_documents');

  it('procurator issues from a lead, the department signs and answers, the procurator accepts: the lead is resolved', async () => {
    // the procurator selects the lead in the inbox and issues a recommendation from it
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const w = watch(page, t.url);
    await signInAs(page, t.url);
    await givePurpose(page, '渝检刑监〔2026〕9号');
    const row = page.getByRole('row', { name: /超期羁押/ }).filter({ hasText: id });
    await row.waitFor({ timeout: 20_000 });
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: /依所选线索制发文书（1）/ }).click();

    // the draft: the addressee from the lead's source, the facts and legal basis from the lead
    await page.getByRole('heading', { name: '制发监督文书' }).waitFor();
    await expect(page.getByLabel('主送单位代码').inputValue()).resolves.toBe('KSS-500101');
    await expect(page.getByLabel('主送单位名称').inputValue()).resolves.toBe('重庆市万州区看守所');
    await expect(page.getByLabel('认定事实').inputValue()).resolves.toMatch(new RegExp(`^1\\. 王\\S+（${id}，万州区）：.*侦查羁押`));
    await expect(page.getByLabel('法律依据').inputValue()).resolves.toMatch(/刑事诉讼法/);
    // required: what is asked of the department
    await page.getByRole('button', { name: /制\s*发/ }).click();
    await page.getByText('请填写建议/纠正事项').waitFor();
    await page.getByLabel('建议/纠正事项').fill('请依法立即变更强制措施或办理延长羁押期限手续，并书面回复。');
    // a deadline longer than the law's two months: the hub refuses it naming the field, the form keeps what was written
    await page.getByLabel(/回复期限/).fill('300');
    await page.getByRole('button', { name: /制\s*发/ }).click();
    await page
      .getByRole('alert')
      .getByText(/replyWithinDays/)
      .waitFor();
    await expect(page.getByLabel('建议/纠正事项').inputValue()).resolves.toMatch(/^请依法立即变更/);
    expect(await documents().countDocuments()).toBe(0);
    await page.getByLabel(/回复期限/).fill('');
    await expectClean(page, w);
    await shot(page, 'procurator-issue');
    await page.getByRole('button', { name: /制\s*发/ }).click();

    // the document's own page (a link): issued, waiting for the receipt
    await page.getByRole('heading', { name: /检察建议 .+号/ }).waitFor();
    await expect(status(page)).resolves.toBe('待签收');
    const stored = await documents().findOne({});
    expect(stored).toMatchObject({ status: 'ISSUED' });
    const docUrl = page.url();
    expect(docUrl).toMatch(/\/app\/documents\/[0-9a-f]{24}$/);
    const lead = await t.hub.sources.leads.models.Lead.collection.findOne({ idNumber: id, rule: 'DET_OVERDUE_STAGE' });
    expect(lead?.status).toBe('ACKNOWLEDGED');
    await expectClean(page, w);
    expect(w.failed).toEqual([]);
    await page.close();

    // the department addressed: its documents, the receipt signed, the answer written
    const dept = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const wd = watch(dept, t.url);
    await signInAs(dept, t.url, { role: '部门人员', region: '万州区' });
    await dept.getByRole('link', { name: '监督文书' }).click();
    await dept.getByRole('heading', { name: '监督文书' }).waitFor();
    await dept
      .getByRole('row', { name: new RegExp(stored!.number) })
      .getByText('待签收')
      .waitFor();
    await expectClean(dept, wd);
    await dept.getByRole('link', { name: stored!.number }).click();
    await dept.getByRole('button', { name: /签\s*收/ }).click();
    await confirmDialog(dept);
    await until('received', async () => (await status(dept)) === '待回复', 30_000);
    // the answer: every field required, then stored as written
    await dept.getByRole('button', { name: /书面回复/ }).click();
    await dept.getByRole('dialog').getByLabel('回复内容').waitFor();
    // seen once in six loaded runs (2026-12-05): OK pressed, the form open and empty, no message. What
    // the page said and how many dialogs it had are kept with the screenshot, to find out why.
    const said: string[] = [];
    dept.on('console', (m) => said.push(`${m.type()}: ${m.text()}`));
    await confirmDialog(dept);
    await dept
      .getByText('请填写回复内容')
      .waitFor()
      .catch(async (e: Error) => {
        await dept.screenshot({ path: path.join(os.tmpdir(), 'hub-workbench-answer-not-validated.png') });
        const dialogs = await dept.getByRole('dialog').count();
        throw new Error(`${e.message}\ndialogs open: ${dialogs}\nconsole:\n${said.join('\n') || '(nothing)'}`);
      });
    await dept.getByRole('dialog').getByLabel('回复内容').fill('已于收到建议当日办理延长羁押期限报批手续。');
    await dept.getByRole('dialog').getByLabel('整改措施').fill('建立羁押期限届满前七日提醒制度。');
    await dept.getByRole('dialog').getByLabel('整改情况').click();
    await dept.locator('.ant-select-item-option', { hasText: '已整改' }).click();
    await confirmDialog(dept);
    await until('answered', async () => (await status(dept)) === '待审查', 30_000);
    await dept.getByText('建立羁押期限届满前七日提醒制度。').waitFor();
    await expectClean(dept, wd);
    await shot(dept, 'department-document');
    expect(wd.failed).toEqual([]);
    await dept.close();

    // the procurator opens the document by its link and accepts the answer
    const back = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const wb = watch(back, t.url);
    await signInAs(back, t.url);
    await givePurpose(back, '渝检刑监〔2026〕9号');
    await back.goto(docUrl, { waitUntil: 'networkidle' });
    await expect(status(back)).resolves.toBe('待审查');
    await back.getByRole('button', { name: /采纳回复并办结/ }).click();
    await back.getByRole('dialog').getByLabel('整改结果').click();
    await back.locator('.ant-select-item-option', { hasText: '已整改' }).click();
    await back.getByRole('dialog').getByLabel('处理说明').fill('经核实已整改到位。');
    await confirmDialog(back);
    await until('closed', async () => (await status(back)) === '已办结', 30_000);
    // the history names every step; the lead it rested on is resolved, citing the document
    for (const step of ['制发', '签收', '书面回复', '采纳回复'])
      await back.locator('.ant-timeline').getByText(step, { exact: true }).waitFor();
    await expect(documents().findOne({})).resolves.toMatchObject({ status: 'CLOSED' });
    const resolved = await t.hub.sources.leads.models.Lead.collection.findOne({ idNumber: id, rule: 'DET_OVERDUE_STAGE' });
    expect(resolved?.status).toBe('RESOLVED');
    await expectClean(back, wb);
    await shot(back, 'procurator-document');
    expect(wb.failed).toEqual([]);
    await back.close();
  });

  it('a procurator asks the department a question, the department answers and closes it with its settlement', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const w = watch(page, t.url);
    await signInAs(page, t.url);
    await givePurpose(page, '渝检行监〔2026〕3号');
    await page.getByRole('link', { name: '双向咨询' }).click();
    await page.getByRole('button', { name: '发起咨询' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('主送单位代码').fill('KSS-500101');
    await dialog.getByLabel('主送单位名称').fill('重庆市万州区看守所');
    await dialog.getByLabel('标题').fill('在押人员王某羁押期限计算问题');
    await dialog.getByLabel('案号').fill('万公（刑）诉字〔2026〕15号');
    // the question is required: said before anything is sent
    await confirmDialog(page);
    await page.getByText('请填写咨询内容').waitFor();
    await dialog.getByLabel('咨询内容').fill('该人员退回补充侦查后重新计算的羁押期限起算日如何确定？');
    await confirmDialog(page);
    await page.getByRole('heading', { name: /在押人员王某羁押期限计算问题/ }).waitFor();
    await expect(page.getByTestId('consultation-status').innerText()).resolves.toBe('办理中');
    await page.getByText('尚无答复').waitFor();
    await expectClean(page, w);
    const url = page.url();
    expect(url).toMatch(/\/app\/consultations\/[0-9a-f]{24}$/);
    await page.close();

    // the department: the question in its list, a reply, then closed with the settlement note
    const dept = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const wd = watch(dept, t.url);
    await signInAs(dept, t.url, { role: '部门人员', region: '万州区' });
    await dept.getByRole('link', { name: '双向咨询' }).click();
    await dept.getByRole('link', { name: '在押人员王某羁押期限计算问题' }).click();
    await dept.getByLabel('答复').fill('自收到补充侦查移送起诉之日起重新计算审查起诉期限。');
    await dept.getByRole('button', { name: /发\s*送/ }).click();
    await dept.getByText('自收到补充侦查移送起诉之日起重新计算审查起诉期限。').waitFor();
    await dept.getByRole('button', { name: '办结咨询' }).click();
    await dept.getByRole('dialog').getByLabel('办结意见').fill('已答复，双方意见一致。');
    await confirmDialog(dept);
    await until('closed', async () => (await dept.getByTestId('consultation-status').innerText()) === '已办结', 30_000);
    // closed: no more replies offered; stored as shown
    await expect(dept.getByLabel('答复').count()).resolves.toBe(0);
    const stored = await t.connection.db!.collection('consultations').findOne({ subject: '在押人员王某羁押期限计算问题' });
    expect(stored).toMatchObject({ status: 'CLOSED', settlement: '已答复，双方意见一致。', office: { code: 'JCY-50' } });
    await expectClean(dept, wd);
    await shot(dept, 'department-consultation');
    expect(wd.failed).toEqual([]);
    await dept.close();
  });

  it("exports the inbox's leads with the rows counted while they stream, and the file holds every one", async () => {
    // 600 more persons in custody past the limit: their leads fill many export pages
    const source = await registerCustodySource(t, { name: '万州区看守所二', code: 'KSS-500101-2' });
    const persons = Array.from({ length: 600 }, (_, i) => 1000 + i);
    expect(
      (
        await pushLines(
          t,
          source,
          persons.map((n) => JSON.stringify(detentionInput(personId(n), n))),
        )
      ).status,
    ).toBe(200);
    const leads = t.hub.sources.leads.models.Lead.collection;
    await until('their leads', async () => (await leads.countDocuments({ rule: 'DET_OVERDUE_STAGE' })) >= 601, 120_000);
    const open = await leads.countDocuments({ status: { $in: ['NEW', 'ACKNOWLEDGED'] } });

    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    const w = watch(page, t.url);
    await signInAs(page, t.url);
    await givePurpose(page, '渝检刑监〔2026〕9号');
    await page.getByText(`共 ${open} 条`).waitFor({ timeout: 20_000 });
    // a slow line (50 kB/s), so that the export takes seconds and its progress can be seen
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: 50_000, uploadThroughput: -1 });
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 90_000 }),
      (async () => {
        await page.getByRole('button', { name: /导出 CSV/ }).click();
        await until(
          'rows counted, not yet all',
          async () => {
            const text = await page
              .getByTestId('export-progress')
              .innerText()
              .catch(() => '');
            const m = new RegExp(`^已导出 (\\d+) / ${open} 行$`).exec(text);
            return m && Number(m[1]) > 0 && Number(m[1]) < open;
          },
          60_000,
        );
        await shot(page, 'procurator-export-progress');
      })(),
    ]);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.getByText(`已导出 ${open} 行`).waitFor();
    const csv = fs
      .readFileSync((await download.path())!, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    // the columns in the screen's order, named as the screen names them
    expect(csv[0]).toBe('ID,规则,严重程度,状态,姓名,公民身份号码,辖区代码,辖区,线索说明,发现时间');
    expect(csv.length - 1).toBe(open);
    expect(new Set(csv.slice(1).map((line) => line.split(',')[0])).size).toBe(open);
    await expectClean(page, w);
    expect(w.failed).toEqual([]);
    await page.close();
  }, 240_000);

  it('tells a document that does not exist or is not the caller’s from one that failed to load', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const w = watch(page, t.url);
    await signInAs(page, t.url, { role: '部门人员', region: '渝中区' });
    await page.getByRole('heading', { name: '数据源' }).waitFor();
    // another district's department: the document is not addressed to it
    const doc = await documents().findOne({});
    await page.goto(`${t.url}/app/documents/${String(doc!._id)}`, { waitUntil: 'networkidle' });
    await page.getByText('没有该文书，或您无权查看').waitFor();
    await page.goto(`${t.url}/app/documents/not-a-document`, { waitUntil: 'networkidle' });
    await page.getByText(/加载失败/).waitFor();
    await expectClean(page, w);
    await page.close();
  });
});
