/**
 * Attachments over real HTTP and the real store: upload (stored once by SHA-256), the type checked
 * against the file's first bytes, the size limit at n and n + 1, who may download (uploader's unit,
 * linked units, ADMIN; everyone else 404 as for an unknown file), anonymous callers, and one audit
 * entry per request.
 */
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { startTestHub, type TestHub } from './helpers';

const LIMIT = 4096;
/** a minimal file of each kind: its signature, then filler */
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(200, 0x20), Buffer.from('%%EOF\n')]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 2)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('attachments', () => {
  let t: TestHub;
  let procurator: string;
  let department: string;
  let otherDepartment: string;
  let analyst: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestHub({ attachmentMaxBytes: LIMIT });
    procurator = `Bearer ${await t.token({ role: 'PROCURATOR', org: 'JCY-500101', sub: 'p-1', regions: ['500101'] })}`;
    department = `Bearer ${await t.token({ role: 'DEPARTMENT', org: 'SCJG-500101', sub: 'd-1', regions: ['500101'] })}`;
    otherDepartment = `Bearer ${await t.token({ role: 'DEPARTMENT', org: 'SCJG-500102', sub: 'd-2', regions: ['500102'] })}`;
    analyst = `Bearer ${await t.token({ role: 'ANALYST', org: 'JCY-500101', sub: 'a-1' })}`;
    admin = `Bearer ${await t.token({ role: 'ADMIN', org: 'HUB', sub: 'admin-1' })}`;
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  const upload = (body: Buffer | string, type: string | null, authorization?: string) =>
    fetch(`${t.url}/attachments`, {
      method: 'POST',
      headers: { ...(type ? { 'content-type': type } : {}), ...(authorization ? { authorization } : {}) },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  /** a download with a purpose (procurators must send one; departments' is recorded only) */
  const download = (hash: string, authorization?: string, purpose: string | null = 'JD-2026-001') =>
    fetch(`${t.url}/attachments/${hash}`, {
      headers: { ...(authorization ? { authorization } : {}), ...(purpose ? { 'x-purpose': purpose } : {}) },
    });

  it('stores a file once by its SHA-256: 201 the first time, 200 after, for any uploader', async () => {
    const first = await upload(PDF, 'application/pdf', procurator);
    expect(first.status).toBe(201);
    const body = await first.json();
    expect(body).toEqual({ sha256: sha(PDF), size: PDF.length, contentType: 'application/pdf', url: `/attachments/${sha(PDF)}` });

    const again = await upload(PDF, 'application/pdf; charset=binary', department);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ sha256: sha(PDF), size: PDF.length });
    expect(await t.connection.db!.collection('attachments').countDocuments({ _id: sha(PDF) as never })).toBe(1);
    const stored = await t.connection.db!.collection('attachments').findOne({ _id: sha(PDF) as never });
    expect(stored).toMatchObject({ size: PDF.length, contentType: 'application/pdf', uploadedBy: { sub: 'p-1', org: 'JCY-500101' } });
    // the second uploader holds the file already: its unit may read it back
    expect(stored!.readers).toEqual(['SCJG-500101']);

    for (const [bytes, type] of [
      [PNG, 'image/png'],
      [JPEG, 'image/jpeg'],
    ] as const) {
      const res = await upload(bytes, type, department);
      expect(res.status).toBe(201);
      expect((await res.json()).sha256).toBe(sha(bytes));
    }
  });

  it('serves a file to its uploader unit with the headers that keep browsers from running it', async () => {
    const res = await download(sha(PDF), procurator);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-length')).toBe(String(PDF.length));
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${sha(PDF)}.pdf"`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toMatch(/^private/);
    expect(Buffer.from(await res.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it('answers a unit the file was not shared with 404, the same as for a file nobody uploaded', async () => {
    const foreign = await download(sha(PNG), procurator);
    const unknown = await download('0'.repeat(64), procurator);
    expect(foreign.status).toBe(404);
    expect(unknown.status).toBe(404);
    const [a, b] = [await foreign.json(), await unknown.json()];
    expect(a.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(b.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(a.errors[0].message.replace(sha(PNG), 'X')).toBe(b.errors[0].message.replace('0'.repeat(64), 'X'));
    expect((await download('not-a-hash', procurator)).status).toBe(404);
    // another department, before anything was shared with it
    expect((await download(sha(PNG), otherDepartment)).status).toBe(404);
  });

  it('serves a file to the units it was linked for, and to ADMIN', async () => {
    expect((await download(sha(PNG), otherDepartment)).status).toBe(404);
    await t.hub.sources.attachments.link([sha(PNG)], ['SCJG-500102', 'JCY-500101']);
    const linked = await download(sha(PNG), otherDepartment);
    expect(linked.status).toBe(200);
    expect(linked.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await linked.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await download(sha(PNG), procurator)).status).toBe(200);
    expect((await download(sha(JPEG), admin)).status).toBe(200);
    // linking twice adds nobody twice
    await t.hub.sources.attachments.link([sha(PNG)], ['SCJG-500102']);
    const stored = await t.connection.db!.collection('attachments').findOne({ _id: sha(PNG) as never });
    expect(stored!.readers).toEqual(['SCJG-500102', 'JCY-500101']);
  });

  it('keeps every unit of links made at once (guarded writes: none overwrites another)', async () => {
    const units = ['A-1', 'A-2', 'A-3', 'A-4', 'A-5', 'A-6'];
    await Promise.all(units.map((u) => t.hub.sources.attachments.link([sha(JPEG)], [u])));
    // read as the hub reads it (on FerretDB a late write of an older version can cover the newest until it is settled)
    const stored = await t.hub.sources.claims.settled(t.connection.db!.collection<any>('attachments'), sha(JPEG));
    expect([...stored!.readers].sort()).toEqual(units);
    // and each unit can download it
    for (const u of units) {
      const token = `Bearer ${await t.token({ role: 'DEPARTMENT', org: u, sub: `d-${u}`, regions: ['500101'] })}`;
      expect((await download(sha(JPEG), token)).status).toBe(200);
    }
  });

  it('refuses a file whose content is not the type it claims, or a type not allowed (415)', async () => {
    const liar = await upload(PNG, 'application/pdf', procurator);
    expect(liar.status).toBe(415);
    const body = await liar.json();
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Content-Type' });
    expect(body.errors[0].message).toBe('the file is PNG (image/png) by its content, not PDF as its Content-Type says');

    const html = await upload('<html><script>alert(1)</script></html>', 'text/html', procurator);
    expect(html.status).toBe(415);
    expect((await html.json()).errors[0].message).toBe(
      'Content-Type must be one of application/pdf, image/png, image/jpeg; got "text/html"',
    );

    const none = await upload(Buffer.from('hello, not a PDF'), 'application/pdf', procurator);
    expect(none.status).toBe(415);
    expect((await none.json()).errors[0].message).toMatch(/^the file's content is not PDF: it does not start with the PDF signature/);
    expect(await t.connection.db!.collection('attachments').countDocuments({ _id: sha(Buffer.from('hello, not a PDF')) as never })).toBe(0);
  });

  it('takes a file of exactly the limit and refuses one byte more (413 naming the limit); an empty body is 400', async () => {
    const at = Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(LIMIT - 5, 0x41)]);
    const over = Buffer.concat([at, Buffer.from('B')]);
    expect((await upload(at, 'application/pdf', procurator)).status).toBe(201);
    const refused = await upload(over, 'application/pdf', procurator);
    expect(refused.status).toBe(413);
    const body = await refused.json();
    expect(body.errors[0].message).toBe('the file is over the size limit of 4 KiB (4096 bytes), ATTACHMENT_MAX_BYTES');
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', limit: LIMIT });

    const empty = await upload(Buffer.alloc(0), 'image/png', procurator);
    expect(empty.status).toBe(400);
    expect((await empty.json()).errors[0]).toMatchObject({
      message: "the body is empty: send the file's bytes as the request body",
      extensions: { code: 'BAD_USER_INPUT', field: 'body' },
    });
  });

  it('refuses anonymous callers (401), bad tokens (401) and roles that do not upload (403)', async () => {
    expect((await upload(PDF, 'application/pdf')).status).toBe(401);
    expect((await download(sha(PDF))).status).toBe(401);
    expect((await download(sha(PDF), 'Bearer not.a.token')).status).toBe(401);
    const res = await upload(PDF, 'application/pdf', analyst);
    expect(res.status).toBe(403);
    expect((await res.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await upload(PDF, 'application/pdf', admin)).status).toBe(403);
  });

  it('describes known files in order and names the place of an unknown one', async () => {
    const a = t.hub.sources.attachments;
    expect(await a.describe([sha(PNG), sha(PDF)])).toEqual([
      { sha256: sha(PNG), size: PNG.length, contentType: 'image/png' },
      { sha256: sha(PDF), size: PDF.length, contentType: 'application/pdf' },
    ]);
    const unknown = await a.describe([sha(PDF), 'f'.repeat(64)], 'input.attachments').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(GraphQLError);
    expect((unknown as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.attachments[1]' });
    const malformed = await a.describe(['XYZ']).catch((e: unknown) => e);
    expect((malformed as GraphQLError).extensions.field).toBe('attachments[0]');
  });

  it('lets a procurator download only with a purpose, as it reads the documents and consultations they belong to', async () => {
    const res = await download(sha(PDF), procurator, null);
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', field: 'X-Purpose' });
    expect((await download(sha(PDF), procurator)).status).toBe(200);
  });

  it('writes one audit entry per upload and download, in the shape of a GraphQL entry', async () => {
    const res = await fetch(`${t.url}/attachments/${sha(PDF)}`, { headers: { authorization: department, 'x-request-id': 'att-audit-1' } });
    expect(res.status).toBe(200);
    const refused = await fetch(`${t.url}/attachments/${sha(JPEG)}`, {
      headers: { authorization: procurator, 'x-purpose': 'JD-2026-001', 'x-request-id': 'att-audit-2' },
    });
    expect(refused.status).toBe(404);
    const log = t.connection.db!.collection('audit_log');
    const ok = await log.findOne({ requestId: 'att-audit-1' });
    expect(ok).toMatchObject({
      operationName: 'GET /attachments',
      actor: { kind: 'person', sub: 'd-1', org: 'SCJG-500101', role: 'DEPARTMENT' },
      recordIds: [sha(PDF)],
      status: 'OK',
      errorCodes: [],
      variables: JSON.stringify({ sha256: sha(PDF), size: PDF.length, contentType: 'application/pdf' }),
    });
    expect(typeof ok!.hash).toBe('string');
    expect(await log.findOne({ requestId: 'att-audit-2' })).toMatchObject({ status: 'ERROR', errorCodes: ['NOT_FOUND'], recordIds: [] });
    const uploads = await log.countDocuments({ operationName: 'POST /attachments', status: 'OK' });
    expect(uploads).toBe(5);
  });
});
