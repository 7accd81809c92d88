/** HTTP-level protections: rate limits (memory and Redis), CSRF, bodies that are too big or not UTF-8. */
import { randomBytes } from 'node:crypto';
import { startTestHub, type TestHub } from './helpers';
import { startDepartment } from './departments';
import { parseTrustProxy } from '../server/config';

describe('rate limiting per actor', () => {
  for (const store of ['memory', 'Redis'] as const) {
    it(`answers RATE_LIMITED with a retry hint after the budget, per actor (${store})`, async () => {
      const t = await startTestHub({
        rateLimit: { points: 5, windowSeconds: 60, redisUrl: store === 'Redis' ? 'redis://127.0.0.1:6379' : undefined },
      });
      try {
        const sub = `rl-${randomBytes(4).toString('hex')}`; // a fresh actor each run (Redis keeps counts)
        const headers = { authorization: `Bearer ${await t.token({ role: 'ANALYST', sub })}` };
        const codes: string[] = [];
        for (let i = 0; i < 6; i++) {
          const { status, body } = await t.gql('{ hubInfo { version } }', undefined, headers);
          codes.push(status === 429 ? body.errors[0].extensions.code : 'OK');
          if (status === 429) expect(body.errors[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
        }
        expect(codes).toEqual(['OK', 'OK', 'OK', 'OK', 'OK', 'RATE_LIMITED']);
        const other = await t.gql('{ hubInfo { version } }', undefined, {
          authorization: `Bearer ${await t.token({ role: 'ANALYST', sub: `${sub}-2` })}`,
        });
        expect(other.status).toBe(200);
      } finally {
        await t.close();
      }
    });
  }
});

describe('the client address behind proxies (TRUST_PROXY)', () => {
  // anonymous callers are counted per address; X-Forwarded-For is believed only from trusted proxies
  const fourFrom = async (t: TestHub) => {
    const codes: number[] = [];
    for (const forwarded of ['198.51.100.1', '198.51.100.1', '198.51.100.1', '198.51.100.2'])
      codes.push((await t.gql('{ hubInfo { version } }', undefined, { authorization: '', 'x-forwarded-for': forwarded })).status);
    return codes;
  };

  it('ignores X-Forwarded-For by default, so a caller cannot escape its budget by naming another address', async () => {
    const t = await startTestHub({ rateLimit: { points: 3, windowSeconds: 60 } });
    try {
      expect((await fourFrom(t))[3]).toBe(429);
    } finally {
      await t.close();
    }
  });

  it('takes the address a trusted proxy forwards: each client its own budget, and that address in the audit trail', async () => {
    const t = await startTestHub({ rateLimit: { points: 3, windowSeconds: 60 }, trustProxy: ['loopback'] });
    try {
      const codes = await fourFrom(t);
      expect(codes[2]).not.toBe(429);
      expect(codes[3]).not.toBe(429);
      const probe = await t.gql('{ hubInfo { version } }', undefined, { 'x-forwarded-for': '203.0.113.9' });
      expect(probe.body.errors).toBeUndefined();
      const log = await t.admin('{ auditLog(first: 1) { edges { node { clientAddress } } } }');
      expect(log.body.data.auditLog.edges[0].node.clientAddress).toBe('203.0.113.9');
    } finally {
      await t.close();
    }
  });

  it('refuses a TRUST_PROXY it cannot take, naming the entry', () => {
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('loopback, 10.0.0.0/8, ::1')).toEqual(['loopback', '10.0.0.0/8', '::1']);
    expect(parseTrustProxy('10.0.0.0/33')).toMatch(/^!"10.0.0.0\/33" is not an IP address/);
    expect(parseTrustProxy('true')).toMatch(/^!"true" is not/);
  });
});

describe('CSRF and bodies', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });
  const token = () => t.token({ role: 'ANALYST' });

  it.each([
    ['text/plain', '{"query":"{ hubInfo { version } }"}'],
    ['application/x-www-form-urlencoded', 'query=%7B%20hubInfo%20%7B%20version%20%7D%20%7D'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{ hubInfo { version } }\r\n--x--\r\n'],
  ])('refuses a simple cross-site POST as %s', async (type, body) => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${await token()}` },
      body,
    });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('"hubInfo"');
  });

  it('refuses a GET without a preflight-forcing header, and answers one with it', async () => {
    const url = `${t.url}/graphql?query=${encodeURIComponent('{ hubInfo { version } }')}`;
    expect((await fetch(url, { headers: { authorization: `Bearer ${await token()}` } })).status).toBe(400);
    expect((await fetch(url, { headers: { authorization: `Bearer ${await token()}`, 'apollo-require-preflight': '1' } })).status).toBe(200);
  });

  it('refuses a body over 1 MiB with 413 and keeps serving', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: JSON.stringify({ query: `{ hubInfo { version } } # ${'x'.repeat(1024 * 1024)}` }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      errors: [{ message: 'the request body is over the size limit (1 MiB)', extensions: { code: 'BAD_USER_INPUT' } }],
    });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('refuses a body that is not UTF-8 with 400', async () => {
    const body = Buffer.concat([
      Buffer.from('{"query":"{ hubInfo { version } }", "x": "'),
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from('"}'),
    ]);
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${await token()}` },
      body: new Uint8Array(body),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toBe('the request body is not valid UTF-8');
  });
});

describe('request time limit', () => {
  it('answers 503 when an operation runs over the limit, and keeps serving', async () => {
    const t = await startTestHub({ requestTimeoutMs: 500 });
    const d = await startDepartment({ records: [], mode: 'hanging' });
    try {
      await t.admin(
        `mutation { registerDataSource(input: { name: "慢系统", department: { code: "SLOW", name: "慢" }, domain: PRISON, kind: REST, regions: ["50"], endpoint: "${d.url}", timeoutMs: 5000 }) { apiKey } }`,
      );
      const started = Date.now();
      const { status, body } = await t.gql('{ prisonRecords { totalCount } }');
      expect(status).toBe(503);
      expect(body.errors[0]).toEqual({
        message: 'the request took longer than 0.5 s and was stopped',
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      });
      expect(Date.now() - started).toBeLessThan(4000);
      expect((await t.gql('{ hubInfo { version } }')).status).toBe(200);
    } finally {
      await d.close();
      await t.close();
    }
  });
});
