/// <reference lib="dom" />
/**
 * Signing in to the workbench through an organisation's identity provider: a real OpenID Connect
 * provider (oidc-provider, test/oidc-provider.mjs) in its own process, the workbench in Chromium going
 * through its login page (authorization code with PKCE, oidc-client-ts), and the hub verifying the
 * provider's access tokens by the keys it publishes (discovered from the issuer). A production hub:
 * no development sign-in, trusted operations required.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { criticalViolations, launchChromium, watch } from './browser';
import { registerTestSources, seedPersons } from './fixtures';
import { newLead } from '../datasources/services/leads';
import { buildWorkbench } from './workbench-build';
import { startHubProcess, startTestHub, type TestHub, until } from './helpers';
import { discoverJwksUrl } from '../server/jwt';
import { projectRoot } from '../server/paths';

/** Starts the provider for a hub whose callback is `redirect`; resolves with its issuer URL. */
function startProvider(redirect: string): Promise<{ issuer: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'test', 'oidc-provider.mjs'), redirect], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /issuer (\S+)/.exec(d.toString());
      if (m) resolve({ issuer: m[1], child });
    });
    child.once('exit', (code) => reject(new Error(`the OIDC provider exited (${code}): ${err}`)));
  });
}

describe('the workbench signed in through OpenID Connect', () => {
  let t: TestHub;
  let provider: { issuer: string; child: ChildProcess };
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = buildWorkbench();
    // the hub's port is needed for the redirect URI, the issuer for the hub: the hub first, on a port we pick
    const port = 20000 + Math.floor(Math.random() * 20000);
    provider = await startProvider(`http://127.0.0.1:${port}/app/callback`);
    const jwksUrl = await discoverJwksUrl(provider.issuer);
    t = await startTestHub({
      port,
      production: true,
      requireTrustedOperations: true,
      workbenchDir: dir,
      jwt: { jwksUrl, algorithms: ['RS256'], issuer: provider.issuer, audience: 'procuratorate-hub', clockToleranceS: 30 },
      oidc: { issuer: provider.issuer, clientId: 'workbench', scope: 'openid profile hub', resource: 'urn:procuratorate:hub' },
    });
    // the hub takes only the provider's tokens: the data go in through the services, and one lead
    const [id] = await seedPersons(t.hub.sources, await registerTestSources(t.hub.sources), 1, 1);
    const lead = newLead(
      {
        rule: 'DET_OVERDUE_STAGE',
        severity: 'CRITICAL',
        idNumber: id,
        region: '500101',
        numbers: { daysOver: 12 },
        explanation: '侦查羁押阶段在押 73 天，已超期 12 天（测试）',
        explanationEn: '73 days in custody, 12 over (test)',
        fingerprint: 'oidc-1',
      },
      [],
      '王伟',
      new Date(),
    );
    await t.hub.sources.leads.insertFound([lead]);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    provider?.child.kill('SIGTERM');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("signs a procurator in at the provider's login page, and the hub takes the provider's token", async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const w = watch(page, t.url);
    await page.goto(`${t.url}/app/`, { waitUntil: 'networkidle' });
    await page.getByText('使用本单位统一身份认证登录').waitFor();
    expect(await criticalViolations(page)).toEqual([]);
    await page.getByRole('button', { name: /登\s*录/ }).click();

    // the provider's own login page (another host: the only one the workbench may send people to)
    await page.waitForURL(`${provider.issuer}/**`);
    await page.locator('input[name="login"]').fill('procurator-500101');
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    // its consent page: the workbench asks for the hub's scope
    await page.getByRole('button', { name: 'Continue' }).click({ timeout: 20_000 });

    // back in the workbench, signed in as the provider said, asked for the purpose
    await page.waitForURL(`${t.url}/app/**`, { waitUntil: 'commit' });
    // (the provider's own pages ask for web fonts of their own: from here on, only the workbench's requests count)
    w.foreign.length = 0;
    await page.getByRole('dialog').getByLabel('办案用途').fill('渝检刑监〔2026〕9号', { timeout: 20_000 });
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /确\s*定/ })
      .click();
    await page.getByText(/检察官 · 500101/).waitFor();
    await page
      .getByRole('link', { name: /侦查羁押/ })
      .first()
      .waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(os.tmpdir(), 'hub-workbench-oidc.png') });

    // what the hub recorded: the provider's subject and claims, the purpose
    const entry = await until('an audit entry of the provider-signed procurator', () =>
      t.connection.db!.collection('audit_log').findOne({ 'actor.sub': 'procurator-500101', operationName: 'WorkbenchLeads' }),
    );
    expect(entry).toMatchObject({ actor: { role: 'PROCURATOR', org: 'JCY-500101' }, purpose: '渝检刑监〔2026〕9号' });
    // the workbench's own requests went to the hub, and to the provider only to change the code for tokens
    expect(w.foreign.filter((u) => !u.startsWith(provider.issuer))).toEqual([]);
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('refuses a token the provider did not sign, and development sign-in', async () => {
    const forged = await t.token({ role: 'ADMIN' }); // signed with the test secret, not the provider's key
    const res = await t.gql('{ hubInfo { version } }', {}, { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
    const dev = await fetch(`${t.url}/app/dev-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"role":"ADMIN"}',
    });
    expect(dev.status).toBe(404);
    expect(await (await fetch(`${t.url}/app/config.json`)).json()).toMatchObject({
      signIn: 'oidc',
      oidc: { issuer: provider.issuer, clientId: 'workbench' },
    });
  });

  it('starts a production hub from OIDC_ISSUER alone (keys found by discovery), and refuses to start when the provider cannot be read', async () => {
    const env = { NODE_ENV: 'production', AUDIT_KEY: 'audit-key-for-this-test-only-0123456789abcdef', OIDC_CLIENT_ID: 'workbench' };
    const good = startHubProcess(`${t.connection.name}_oidc`, { ...env, OIDC_ISSUER: provider.issuer });
    try {
      const base = (await good.url).replace('/graphql', '');
      expect(await (await fetch(`${base}/app/config.json`)).json()).toMatchObject({
        signIn: 'oidc',
        oidc: { issuer: provider.issuer, clientId: 'workbench', scope: 'openid profile' },
      });
      // the hub checks tokens by the provider's keys now: a token signed with a secret is not one of them
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.token({ role: 'ADMIN' })}` },
        body: '{"query":"{ hubInfo { version } }"}',
      });
      expect(res.status).toBe(401);
    } finally {
      good.child.kill('SIGTERM');
    }
    const bad = startHubProcess(`${t.connection.name}_oidc2`, { ...env, OIDC_ISSUER: 'http://127.0.0.1:9/' });
    await expect(bad.url).rejects.toThrow(
      /OIDC_ISSUER: the provider's discovery document http:\/\/127\.0\.0\.1:9\/\.well-known\/openid-configuration could not be read/,
    );
  }, 90_000);
});
