/**
 * Who may see what, over real HTTP: every role against every operation, jurisdiction through every
 * path, masking, purpose, and tokens that must be refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { detentionInput, personId, prisonInput } from './fixtures';
import { startTestHub, TEST_JWT, type TestHub } from './helpers';

describe('authentication and authorization', () => {
  let t: TestHub;
  let hostedId: string;
  let apiKey: string;
  let otherDeptSourceId: string;
  const inWanzhou = personId(1, '500101');
  const inYuzhong = personId(2, '500103');
  beforeAll(async () => {
    t = await startTestHub();
    const reg = await t.admin(
      `mutation { registerDataSource(input: { name: "万州看守所", department: { code: "KSS-500101", name: "万州看守所" }, domain: DETENTION, kind: HOSTED, regions: ["50"] }) { dataSource { id } apiKey } }`,
    );
    hostedId = reg.body.data.registerDataSource.dataSource.id;
    apiKey = reg.body.data.registerDataSource.apiKey;
    const other = await t.admin(
      `mutation { registerDataSource(input: { name: "渝中看守所", department: { code: "KSS-500103", name: "渝中看守所" }, domain: PRISON, kind: HOSTED, regions: ["50"] }) { dataSource { id } } }`,
    );
    otherDeptSourceId = other.body.data.registerDataSource.dataSource.id;
    const src = t.hub.sources.registry.get(hostedId)!;
    await t.hub.sources.ingestor.ingest(src, [
      detentionInput(inWanzhou, 1, { region: '500101' }),
      detentionInput(inWanzhou, 2, { region: '500103' }),
      detentionInput(inYuzhong, 3, { region: '500103' }),
    ]);
    await t.hub.sources.ingestor.ingest(t.hub.sources.registry.get(otherDeptSourceId)!, [prisonInput(inYuzhong, 1, { region: '500103' })]);
  });
  afterAll(async () => {
    await t.close();
  });

  const as = async (role: string, extra: Record<string, unknown> = {}) => ({
    authorization: `Bearer ${await t.token({ role: role as never, ...extra })}`,
  });

  describe('every role against every operation', () => {
    const OPS: Record<string, string> = {
      person: `{ person(idNumber: "${personId(1, '500101')}") { idNumber } }`,
      persons: `{ persons(idNumbers: ["${personId(1, '500101')}"]) { idNumber } }`,
      detentionRecords: '{ detentionRecords { totalCount } }',
      prisonRecords: '{ prisonRecords { totalCount } }',
      communityCorrections: '{ communityCorrections { totalCount } }',
      enforcementCases: '{ enforcementCases { totalCount } }',
      dataSources: '{ dataSources { id } }',
      hubInfo: '{ hubInfo { version } }',
      registerDataSource:
        'mutation { registerDataSource(input: { name: "NAME", department: { code: "DEV", name: "d" }, domain: PRISON, kind: HOSTED, regions: ["50"] }) { apiKey } }',
      suspendDataSource: 'mutation { suspendDataSource(id: "ffffffffffffffffffffffff", reason: "r") { id } }',
      ingestDetentionRecords: 'mutation { ingestDetentionRecords(sourceId: "SOURCE", records: []) { accepted } }',
    };
    const CALLERS = ['anonymous', 'PROCURATOR', 'PROCURATOR without purpose', 'ANALYST', 'DEPARTMENT', 'ADMIN', 'SOURCE key'] as const;
    const DATA = ['person', 'persons', 'detentionRecords', 'prisonRecords', 'communityCorrections', 'enforcementCases'];
    function expected(caller: (typeof CALLERS)[number], op: string): string {
      if (caller === 'anonymous') return 'UNAUTHENTICATED';
      if (op === 'ingestDetentionRecords') return caller === 'SOURCE key' ? 'OK' : 'FORBIDDEN';
      if (caller === 'SOURCE key') return 'FORBIDDEN';
      if (DATA.includes(op)) return caller === 'PROCURATOR' || caller === 'ANALYST' ? 'OK' : 'FORBIDDEN';
      if (op === 'registerDataSource') return caller === 'ADMIN' || caller === 'DEPARTMENT' ? 'OK' : 'FORBIDDEN';
      // suspending an unknown source: allowed roles get past authorization to BAD_USER_INPUT (no such id)
      if (op === 'suspendDataSource') return caller === 'ADMIN' ? 'BAD_USER_INPUT' : 'FORBIDDEN';
      return 'OK';
    }
    const rows = CALLERS.flatMap((c) => Object.keys(OPS).map((op) => [c, op, expected(c, op)] as const));

    it.each(rows)('%s → %s: %s', async (caller, op, want) => {
      const headers: Record<string, string> =
        caller === 'anonymous'
          ? { authorization: '' }
          : caller === 'SOURCE key'
            ? { authorization: `ApiKey ${apiKey}` }
            : caller === 'PROCURATOR without purpose'
              ? await as('PROCURATOR')
              : caller === 'DEPARTMENT'
                ? await as('DEPARTMENT', { org: 'DEV' })
                : { ...(await as(caller)), 'x-purpose': 'CASE-1' };
      const { body } = await t.gql(OPS[op].replace('SOURCE', hostedId).replace('NAME', `source of ${caller}`), undefined, headers);
      const got = body.errors?.[0]?.extensions?.code ?? 'OK';
      expect(got).toBe(want);
      if (want === 'OK') expect(body.data).toBeTruthy();
    });
  });

  it('tells a procurator without a purpose what to send', async () => {
    const { body } = await t.gql('{ detentionRecords { totalCount } }', undefined, await as('PROCURATOR'));
    expect(body.errors[0].message).toBe(
      "a procurator's data query must state its purpose: send the header X-Purpose with the case or task reference",
    );
  });

  describe('jurisdiction', () => {
    const q = (regions: string[]) => as('PROCURATOR', { regions }).then((h) => ({ ...h, 'x-purpose': 'CASE-2' }));

    it("hides records outside the caller's regions from lists and totals", async () => {
      const h = await q(['500101']);
      const { body } = await t.gql(
        '{ detentionRecords { totalCount edges { node { region { code } } } } all: detentionRecords(filter: { regions: ["50"] }) { totalCount } other: detentionRecords(filter: { regions: ["500103"] }) { totalCount } }',
        undefined,
        h,
      );
      expect(body.data.detentionRecords).toEqual({ totalCount: 1, edges: [{ node: { region: { code: '500101' } } }] });
      expect(body.data.all.totalCount).toBe(1);
      expect(body.data.other.totalCount).toBe(0);
    });

    it('hides them through person, persons and nested connections, as if they did not exist', async () => {
      const h = await q(['500101']);
      const { body } = await t.gql(
        `query($a: IdNumber!, $b: IdNumber!) {
        a: person(idNumber: $a) { detentions { totalCount edges { node { region { code } person { imprisonments { totalCount } } } } } imprisonments { totalCount } }
        b: person(idNumber: $b) { name }
        many: persons(idNumbers: [$a, $b]) { idNumber detentions { totalCount } }
      }`,
        { a: inWanzhou, b: inYuzhong },
        h,
      );
      expect(body.errors).toBeUndefined();
      expect(body.data.a).toEqual({
        detentions: { totalCount: 1, edges: [{ node: { region: { code: '500101' }, person: { imprisonments: { totalCount: 0 } } } }] },
        imprisonments: { totalCount: 0 },
      });
      expect(body.data.b).toBeNull();
      expect(body.data.many).toEqual([{ idNumber: inWanzhou, detentions: { totalCount: 1 } }, null]);
      const city = await t.gql(
        `query($b: IdNumber!) { person(idNumber: $b) { imprisonments { totalCount } } }`,
        { b: inYuzhong },
        await q(['50']),
      );
      expect(city.body.data.person.imprisonments.totalCount).toBe(1);
    });
  });

  describe('masking', () => {
    it('masks ID numbers and names for analysts, unless the token grants unmasked', async () => {
      const query = `query($a: IdNumber!) { person(idNumber: $a) { idNumber name } detentionRecords(first: 1, filter: { idNumber: $a }) { edges { node { person { idNumber name } } } } }`;
      const masked = await t.gql(query, { a: inWanzhou }, await as('ANALYST'));
      const m = `${inWanzhou.slice(0, 6)}********${inWanzhou.slice(-4)}`;
      expect(masked.body.data.person).toEqual({ idNumber: m, name: '王*' });
      expect(masked.body.data.detentionRecords.edges[0].node.person).toEqual({ idNumber: m, name: '王*' });
      expect(JSON.stringify(masked.body)).not.toContain(inWanzhou);
      const clear = await t.gql(query, { a: inWanzhou }, await as('ANALYST', { unmasked: true }));
      expect(clear.body.data.person).toEqual({ idNumber: inWanzhou, name: '王伟' });
    });
  });

  describe('departments act on their own sources only', () => {
    it("lets a department suspend its own source and not another department's", async () => {
      const own = await t.gql(
        `mutation { suspendDataSource(id: "${hostedId}", reason: "自查") { status } }`,
        undefined,
        await as('DEPARTMENT', { org: 'KSS-500101' }),
      );
      expect(own.body.data.suspendDataSource.status).toBe('SUSPENDED');
      await t.admin(`mutation { activateDataSource(id: "${hostedId}") { status } }`);
      const other = await t.gql(
        `mutation { suspendDataSource(id: "${otherDeptSourceId}", reason: "x") { status } }`,
        undefined,
        await as('DEPARTMENT', { org: 'KSS-500101' }),
      );
      expect(other.body.errors[0]).toMatchObject({
        extensions: { code: 'FORBIDDEN' },
        message: 'department KSS-500101 may act only on its own sources',
      });
      const register = await t.gql(
        'mutation { registerDataSource(input: { name: "冒名", department: { code: "KSS-500103", name: "x" }, domain: PRISON, kind: HOSTED, regions: ["50"] }) { apiKey } }',
        undefined,
        await as('DEPARTMENT', { org: 'KSS-500101' }),
      );
      expect(register.body.errors[0].extensions.code).toBe('FORBIDDEN');
    });
  });

  it('shows a department its own sources only', async () => {
    const { body } = await t.gql(
      '{ dataSources { name } other: dataSource(id: "OTHER") { id } }'.replace('OTHER', otherDeptSourceId),
      undefined,
      await as('DEPARTMENT', { org: 'KSS-500101' }),
    );
    expect(body.data).toEqual({ dataSources: [{ name: '万州看守所' }], other: null });
  });

  describe('tokens that must be refused', () => {
    const secret = new TextEncoder().encode(TEST_JWT.secret);
    const base = () =>
      new SignJWT({ org: 'X', role: 'PROCURATOR', regions: ['50'] })
        .setSubject('s')
        .setIssuer(TEST_JWT.issuer)
        .setAudience(TEST_JWT.audience)
        .setIssuedAt();
    let rsKey: KeyLike;
    beforeAll(async () => {
      rsKey = (await generateKeyPair('RS256')).privateKey;
    });

    const cases: [string, () => Promise<string>, RegExp][] = [
      [
        'forged (another secret)',
        () =>
          base()
            .setProtectedHeader({ alg: 'HS256' })
            .setExpirationTime('1h')
            .sign(new TextEncoder().encode('another-secret-another-secret-another-secret')),
        /signature is not valid/,
      ],
      [
        'expired',
        () =>
          base()
            .setProtectedHeader({ alg: 'HS256' })
            .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
            .sign(secret),
        /expired/,
      ],
      [
        'not yet valid',
        () =>
          base()
            .setProtectedHeader({ alg: 'HS256' })
            .setNotBefore(Math.floor(Date.now() / 1000) + 600)
            .setExpirationTime('2h')
            .sign(secret),
        /claim check failed/,
      ],
      [
        'wrong audience',
        () => base().setAudience('another-hub').setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret),
        /claim check failed/,
      ],
      [
        'wrong issuer',
        () => base().setIssuer('someone').setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret),
        /claim check failed/,
      ],
      [
        'alg none',
        async () => {
          const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: 's', org: 'X', role: 'ADMIN', regions: ['50'], iss: TEST_JWT.issuer, aud: TEST_JWT.audience, exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
        },
        /algorithm is not accepted|malformed/,
      ],
      [
        'RS256 where HS256 is configured',
        () => base().setProtectedHeader({ alg: 'RS256' }).setExpirationTime('1h').sign(rsKey),
        /algorithm is not accepted/,
      ],
      ['no expiry', () => base().setProtectedHeader({ alg: 'HS256' }).sign(secret), /claim/],
      [
        'an unknown role',
        () =>
          new SignJWT({ org: 'X', role: 'GOD', regions: ['50'] })
            .setSubject('s')
            .setIssuer(TEST_JWT.issuer)
            .setAudience(TEST_JWT.audience)
            .setProtectedHeader({ alg: 'HS256' })
            .setExpirationTime('1h')
            .sign(secret),
        /role must be one of/,
      ],
    ];
    it.each(cases)('refuses a token that is %s, with 401 UNAUTHENTICATED', async (_name, make, message) => {
      const { status, body } = await t.gql('{ hubInfo { version } }', undefined, { authorization: `Bearer ${await make()}` });
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(body.errors[0].message).toMatch(message);
    });
  });
});

describe('tokens from an identity provider (JWKS file)', () => {
  it('accepts RS256 tokens signed by a key in the file, and refuses HS256 tokens made with the public key', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jwks-')), 'jwks.json');
    fs.writeFileSync(file, JSON.stringify({ keys: [jwk] }));
    const t = await startTestHub({
      jwt: { jwksFile: file, algorithms: ['RS256'], issuer: 'idp.example', audience: 'procuratorate-hub', clockToleranceS: 30 },
    });
    try {
      const claims = { org: 'X', role: 'ANALYST', regions: ['50'] };
      const good = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
        .setSubject('a')
        .setIssuer('idp.example')
        .setAudience('procuratorate-hub')
        .setExpirationTime('1h')
        .sign(privateKey);
      const ok = await t.gql('{ hubInfo { version } }', undefined, { authorization: `Bearer ${good}` });
      expect(ok.body.errors).toBeUndefined();
      // the classic confusion: an HS256 token whose HMAC key is the public key's text
      const confused = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: 'idp-1' })
        .setSubject('a')
        .setIssuer('idp.example')
        .setAudience('procuratorate-hub')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(JSON.stringify(jwk)));
      const refused = await t.gql('{ hubInfo { version } }', undefined, { authorization: `Bearer ${confused}` });
      expect(refused.status).toBe(401);
      expect(refused.body.errors[0].message).toMatch(/algorithm is not accepted/);
    } finally {
      await t.close();
    }
  });
});
