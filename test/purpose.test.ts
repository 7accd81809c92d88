/**
 * X-Purpose as sent (issue 23, item 7): a purpose in Chinese reaches the audit trail as the
 * procurator wrote it, whether the header carried raw UTF-8 or percent-encoding; a purpose that is
 * too short, too long or not text is refused with a clear error, never stored garbled.
 * Raw UTF-8 header bytes go through node:http (fetch refuses header values outside Latin-1).
 */
import http from 'node:http';
import { startTestHub, type TestHub } from './helpers';

const PURPOSE = '渝检刑诉〔2026〕1号';

describe('the purpose header (X-Purpose)', () => {
  let t: TestHub;
  let procurator: string;
  beforeAll(async () => {
    t = await startTestHub();
    procurator = `Bearer ${await t.token({ role: 'PROCURATOR' })}`;
  });
  afterAll(async () => {
    await t.close();
  });

  /** POSTs `{ hubInfo }` with the purpose header as these exact bytes. */
  function postRaw(purpose: Buffer, requestId: string): Promise<{ status: number; body: any }> {
    const body = JSON.stringify({ query: '{ detentionRecords(first: 1) { totalCount } }' });
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${t.url}/graphql`,
        {
          method: 'POST',
          // node:http writes a header string as Latin-1, one byte per character, when the body is a
          // Buffer (with a string body it writes headers and body together as UTF-8): these are the bytes sent
          headers: {
            'content-type': 'application/json',
            authorization: procurator,
            'x-request-id': requestId,
            'x-purpose': purpose.toString('latin1'),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(Buffer.from(body));
    });
  }
  const entry = (requestId: string) => t.connection.db!.collection('audit_log').findOne({ requestId });

  it('stores a purpose sent as raw UTF-8 exactly as written', async () => {
    const res = await postRaw(Buffer.from(PURPOSE, 'utf8'), 'purpose-utf8');
    expect(res.body.errors).toBeUndefined();
    expect((await entry('purpose-utf8'))?.purpose).toBe(PURPOSE);
  });

  it('stores a percent-encoded purpose decoded', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: procurator,
        'x-request-id': 'purpose-pct',
        'x-purpose': encodeURIComponent(PURPOSE),
      },
      body: JSON.stringify({ query: '{ detentionRecords(first: 1) { totalCount } }' }),
    });
    expect(((await res.json()) as any).errors).toBeUndefined();
    expect((await entry('purpose-pct'))?.purpose).toBe(PURPOSE);
  });

  it('keeps a plain ASCII purpose as it is, a % in it included', async () => {
    const res = await postRaw(Buffer.from('CASE-2026 100% review'), 'purpose-ascii');
    expect(res.body.errors).toBeUndefined();
    expect((await entry('purpose-ascii'))?.purpose).toBe('CASE-2026 100% review');
  });

  it('refuses a purpose that is too short, too long, not UTF-8 or badly percent-encoded, naming the header and the bound', async () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('号1'), /^X-Purpose: must be 3 to 200 characters, got 2$/],
      [Buffer.from('案'.repeat(201)), /^X-Purpose: must be 3 to 200 characters, got 201$/],
      [Buffer.from([0x43, 0x41, 0x53, 0x45, 0xff, 0xfe, 0x31]), /^X-Purpose: is not valid UTF-8; send UTF-8 or percent-encode it/],
      [Buffer.from('%E6%B8%9D%E6%A3'), /^X-Purpose: is not valid percent-encoded UTF-8/],
      [Buffer.from('CASE%0A2026'), /^X-Purpose: must not contain control characters/],
    ];
    for (const [bytes, message] of cases) {
      const res = await postRaw(bytes, 'purpose-bad');
      expect(res.status).toBe(400);
      expect(res.body.errors[0].message).toMatch(message);
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'X-Purpose' });
      expect(res.body.errors[0].message.length).toBeLessThan(200);
    }
  });
});
