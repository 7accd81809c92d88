/**
 * How long connections and pushes may last (issue 23, items 15, 16 and 18): a push is bounded by its
 * size and by an idle timeout, not by its duration; an answered request's connection is closed; a hub
 * told to stop lets requests in flight finish, and answers a push it cuts with what was stored.
 * Timeouts are made small here; nothing is timed but the tests' own generous limits.
 */
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { detentionInput, personId } from './fixtures';
import { startHubProcess, startTestHub, TEST_JWT, type TestHub } from './helpers';
import { connectStore } from '../datasources/store/connection';
import { signToken } from '../server/jwt';

const REGISTER = `mutation { registerDataSource(input: {
  name: "万州区看守所", department: { code: "KSS-500101", name: "重庆市万州区看守所" }, domain: DETENTION, kind: HOSTED, regions: ["500101"]
}) { dataSource { id } apiKey } }`;

const line = (n: number) => `${JSON.stringify(detentionInput(personId(n), n))}\n`;
const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => line(from + i)).join('');

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A push whose body the test writes piece by piece (node:http, so the hub may answer before it ends). */
function openPush(base: string, sourceId: string, apiKey: string) {
  const req = http.request(`${base}/ingest/${sourceId}`, {
    method: 'POST',
    agent: false,
    headers: { authorization: `ApiKey ${apiKey}`, 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' },
  });
  /** settles when the socket is closed, whoever closed it */
  const closed = new Promise<void>((resolve) => req.once('socket', (s) => s.once('close', () => resolve())));
  const answer = new Promise<Answer>((resolve, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (d) => {
          text += d;
        })
        .once('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }));
    });
  });
  answer.catch(() => undefined);
  req.on('error', () => undefined);
  return { req, answer, closed };
}

/** Writes `count` lines every `everyMs` until stopped or the request is closed. */
function trickle(req: http.ClientRequest, from: number, count: number, everyMs: number): { stop(): number } {
  let next = from;
  const timer = setInterval(() => {
    if (req.destroyed || req.writableEnded || req.socket?.destroyed) {
      clearInterval(timer);
      return;
    }
    req.write(lines(next, count));
    next += count;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return next;
    },
  };
}

describe('a push is bounded by size and by an idle timeout, not by its duration', () => {
  let t: TestHub;
  let sourceId: string;
  let apiKey: string;
  beforeAll(async () => {
    t = await startTestHub({ bodyIdleTimeoutMs: 1000 });
    const { body } = await t.admin(REGISTER);
    ({ apiKey } = body.data.registerDataSource);
    sourceId = body.data.registerDataSource.dataSource.id;
  });
  afterAll(async () => {
    await t.close();
  });
  const stored = () =>
    t.hub.sources.models.records.DETENTION.collection.countDocuments({ sourceId: t.hub.sources.registry.get(sourceId)!._id });

  it('leaves the whole-request timeout of Node off: only idleness cuts a push', async () => {
    // Node's default (300 s) answered a long push 408 and reset it, whatever it had stored
    expect(t.server.requestTimeout).toBe(0);
    const push = openPush(t.url, sourceId, apiKey);
    push.req.write(lines(0, 10));
    // bytes every 100 ms for well past the idle timeout (1 s): never idle, so never cut
    const writer = trickle(push.req, 10, 10, 100);
    await new Promise((r) => setTimeout(r, 3000));
    const end = writer.stop();
    push.req.end();
    const { status, body } = await push.answer;
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: end, unchanged: 0, rejectedCount: 0 });
    expect(await stored()).toBe(end);
  }, 20_000);

  it('cuts a push that sends nothing for the idle timeout, answers what was stored, and closes the connection', async () => {
    const before = await stored();
    const push = openPush(t.url, sourceId, apiKey);
    // 1,500 whole lines (one batch of 1,000 written while reading, 500 more read), half a line, then nothing
    push.req.write(lines(10_000, 1500));
    push.req.write(line(11_500).slice(0, 50));
    const { status, body } = await push.answer;
    expect(status).toBe(408);
    expect(body.error).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'no bytes came for 1 s: the push stopped after line 1500; records counted as accepted are stored, push the rest again',
    });
    expect(body.result).toMatchObject({ accepted: 1500, unchanged: 0, rejectedCount: 0 });
    expect(await stored()).toBe(before + 1500);
    await push.closed; // the hub closed it: the client never ended its body
  }, 20_000);
});

/**
 * Sends a request's head and part of its body over a raw socket, then (with `trickleMs`) a space every
 * `trickleMs` while the socket is open; collects what comes back until the socket closes.
 */
function halfRequest(
  base: string,
  path: string,
  headers: Record<string, string>,
  body: string,
  declaredLength: number,
  trickleMs?: number,
) {
  const { hostname, port } = new URL(base);
  const socket = net.connect(Number(port), hostname);
  socket.write(
    [
      `POST ${path} HTTP/1.1`,
      `Host: ${hostname}:${port}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      `Content-Length: ${declaredLength}`,
      '',
      body,
    ].join('\r\n'),
  );
  let text = '';
  socket.setEncoding('utf8').on('data', (d) => {
    text += d;
  });
  const timer = trickleMs
    ? setInterval(() => {
        if (socket.writable) socket.write(' ');
      }, trickleMs)
    : undefined;
  const closed = new Promise<string>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve(text);
    }),
  );
  return { socket, closed };
}

describe("an answered request's connection is closed", () => {
  // a body trickled every 0.1 s is never idle for 0.3 s
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ requestTimeoutMs: 500, bodyIdleTimeoutMs: 300 });
  });
  afterAll(async () => {
    await t.close();
  });
  const query = JSON.stringify({ query: '{ hubInfo { version } }' });

  it('closes the connection of a GraphQL request answered 503 at the time limit while its body was still coming', async () => {
    const { closed } = halfRequest(
      t.url,
      '/graphql',
      { 'Content-Type': 'application/json', Authorization: `Bearer ${await t.token({ role: 'ANALYST' })}` },
      query.slice(0, 10),
      query.length + 1000,
      100,
    );
    // JSON whitespace every 0.1 s: before, the answer came at 0.5 s and the socket stayed open until
    // Node's whole-request timeout (300 s)
    const text = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 503 /);
    expect(text).toContain('"code":"SERVICE_UNAVAILABLE"');
  }, 20_000);

  it('closes the connection of a push refused (401) while its body is still coming', async () => {
    const body = lines(0, 20);
    // before, the refused push's body was read and dropped for as long as it came (Node's 300 s
    // whole-request timeout was the only bound)
    const { closed } = halfRequest(
      t.url,
      '/ingest/0123456789abcdef01234567',
      { 'Content-Type': 'application/x-ndjson', Authorization: 'ApiKey not-a-key' },
      body.slice(0, 100),
      body.length + 100_000,
      100,
    );
    const text = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 401 /);
    expect(text).toContain('"code":"UNAUTHENTICATED"');
  }, 20_000);

  it('answers a GraphQL body that stops coming 408 after the idle timeout and closes the connection', async () => {
    const { closed } = halfRequest(t.url, '/graphql', { 'Content-Type': 'application/json' }, query.slice(0, 10), query.length);
    const text = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('{"errors":[{"message":"no bytes of the request body came for 0.3 s","extensions":{"code":"BAD_USER_INPUT"}}]}');
  }, 20_000);
});

describe('a hub told to stop (SIGTERM) drains', () => {
  let child: ChildProcess | undefined;
  const dbName = `t_drain_${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    child?.kill('SIGKILL');
    const conn = await connectStore({ uri: process.env.HUB_TEST_URI!, dbName, timeoutMs: 3000 });
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  });

  it('lets a push that ends within the grace period finish, and answers one still coming with what it stored', async () => {
    const started = startHubProcess(dbName, {
      SHUTDOWN_GRACE_MS: '1500',
      BODY_IDLE_TIMEOUT_MS: '10000',
      EVALUATION_INTERVAL_MS: '0',
      STORE_VACUUM_CHECK_MS: '0',
      LOG_LEVEL: 'info',
    });
    child = started.child;
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    // The signal goes to the hub's own process, whose pid its log lines carry: the child is tsx's CLI,
    // which relays a SIGTERM but sends SIGKILL when its child has not acknowledged it within 30 ms.
    const hubPid = new Promise<number>((resolve) => {
      let out = '';
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /"pid":(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
    });
    const base = new URL(await started.url).origin;
    const admin = `Bearer ${await signToken(TEST_JWT, { sub: 'a', org: 'O', role: 'ADMIN', regions: ['50'] })}`;
    const reg = (await (
      await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: admin },
        body: JSON.stringify({ query: REGISTER }),
      })
    ).json()) as any;
    const {
      apiKey,
      dataSource: { id: sourceId },
    } = reg.data.registerDataSource;

    const slow = openPush(base, sourceId, apiKey);
    slow.req.write(lines(0, 1200));
    const slowWriter = trickle(slow.req, 1200, 20, 100); // never ends by itself
    const short = openPush(base, sourceId, apiKey);
    short.req.write(lines(50_000, 100));
    await new Promise((r) => setTimeout(r, 800));
    process.kill(await hubPid, 'SIGTERM');
    // the short push ends its body after the signal, well within the grace period
    await new Promise((r) => setTimeout(r, 300));
    short.req.end(lines(50_100, 100));

    const done = await short.answer;
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ accepted: 200, unchanged: 0, rejectedCount: 0 });
    const cut = await slow.answer; // before: the socket was reset (closeAllConnections) and no answer came
    slowWriter.stop();
    expect(cut.status).toBe(503);
    await slow.closed; // the hub closed it after the answer, though the client was still sending
    expect(cut.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(cut.body.error.message).toMatch(
      /^the hub is shutting down: the push stopped after line \d+; records counted as accepted are stored, push the rest again$/,
    );
    expect(cut.body.result.accepted).toBeGreaterThanOrEqual(1200);
    expect(await exited).toBe(0);

    const conn = await connectStore({ uri: process.env.HUB_TEST_URI!, dbName, timeoutMs: 3000 });
    try {
      const records = conn.db!.collection('detention_records');
      expect(await records.countDocuments({ externalId: { $regex: '-5[0-9]{4}$' } })).toBe(200);
      expect(await records.countDocuments({})).toBe(200 + cut.body.result.accepted);
    } finally {
      await conn.close();
    }
  }, 60_000);
});
