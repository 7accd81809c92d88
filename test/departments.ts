/**
 * Stand-ins for department systems (a detention centre's, a prison's, …) that tests start on
 * 127.0.0.1:0 and register with the hub as live sources. They speak the REST source protocol v1 of
 * docs/api.md, or a minimal GraphQL form of it, and can be told to misbehave: answer late, never answer,
 * fail, send broken JSON, send records that fail validation, or fail every other request.
 *
 * REST (kind 'REST', the default):
 * - `GET /health` → 200 `{"status":"ok"}`.
 * - `GET /records?idNumbers=ID1,ID2` → 200 `{ records }`: every record of those persons (sorted as below).
 * - `GET /records?regions=5001,500101&eventFrom=ISO&eventTo=ISO&idNumber=ID&limit=N&cursor=C` →
 *   200 `{ records, nextCursor, total }`. `regions` are prefixes of the record's `region`; `eventFrom` is
 *   inclusive, `eventTo` exclusive, both compared as instants; sorted by `eventAt` descending, ties by
 *   `externalId` descending; `limit` defaults to 100 and is capped at 1000; `cursor` is opaque (base64url
 *   of an offset); `total` counts every match of the filter. A bad parameter answers 400 `{ error }`.
 *
 * GRAPHQL (kind 'GRAPHQL'): `POST /graphql` (also `POST /`, so E itself works as the endpoint) with JSON
 * `{ query, variables }`. There is no real GraphQL
 * parser: a document that mentions the field `records` is answered as
 * `records(idNumbers, regions, eventFrom, eventTo, idNumber, limit, cursor) { records nextCursor total }`,
 * with the ARGUMENTS TAKEN FROM `variables` UNDER THOSE SAME NAMES (inline literal arguments are ignored);
 * the answer is `{ data: { records: { records, nextCursor, total } } }` whatever the selection. With
 * `idNumbers` every record of those persons comes at once (`nextCursor: null`). A document that only asks
 * for `__typename` (the health probe `{ __typename }`) gets `{ data: { __typename: "Query" } }`.
 *
 * Modes (health and every other path follow the mode):
 * - healthy: as above;
 * - slow: every answer after `delayMs` (default 1500 ms);
 * - hanging: reads the request and never answers (close() still ends such requests at once);
 * - fail500: 500 with a text body;
 * - malformed: 200 `application/json` whose body is the first half of the real answer (never valid JSON);
 * - invalid: 200 with valid JSON, but every record has a wrong ID number check character and lacks `name`;
 * - flapping: requests are numbered 1, 2, 3, … across all paths from the moment the mode was set (by
 *   `startDepartment` or `setMode`); odd-numbered ones are answered as healthy, even-numbered ones get 503
 *   with a text body.
 * `delayMs`, when given, is added to every answer in every mode (in 'slow' it is the delay itself).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkCharacter, parseIdNumber } from '../domain/id-number';

export type DepartmentMode = 'healthy' | 'slow' | 'hanging' | 'fail500' | 'malformed' | 'invalid' | 'flapping';

export interface DepartmentOptions {
  /** default REST */
  kind?: 'REST' | 'GRAPHQL';
  /** records in the hub's canonical input shape */
  records: Record<string, unknown>[];
  /** default 'healthy' */
  mode?: DepartmentMode;
  /** added latency per request (any mode); 'slow' uses this (default 1500) */
  delayMs?: number;
  /** hub field name -> department's own name: served records use the department's names (top-level fields only) */
  rename?: Record<string, string>;
}

export interface DepartmentRequest {
  path: string;
  query: Record<string, string>;
  /** the parsed JSON body of a POST (the raw text when it is not JSON); undefined for GET */
  body?: unknown;
  /** Date.now() when the request arrived */
  at: number;
}

export interface Department {
  /** base URL E, e.g. http://127.0.0.1:41234 */
  url: string;
  /** every request received, in order of arrival */
  requests: DepartmentRequest[];
  setMode(mode: DepartmentMode): void;
  setRecords(records: Record<string, unknown>[]): void;
  /** closes the server and any hanging sockets at once */
  close(): Promise<void>;
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
const DEFAULT_SLOW_MS = 1500;

/** What the department was asked for, whichever protocol carried it. */
interface RecordsQuery {
  idNumbers?: string[];
  regions?: string[];
  eventFrom?: string;
  eventTo?: string;
  idNumber?: string;
  limit?: number;
  cursor?: string;
}

interface Page {
  records: Record<string, unknown>[];
  nextCursor: string | null;
  total: number;
}

class BadRequest extends Error {}

interface Reply {
  status: number;
  contentType: string;
  body: string;
}

const json = (status: number, value: unknown): Reply => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
});
const text = (status: number, body: string): Reply => ({ status, contentType: 'text/plain; charset=utf-8', body });

function instant(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') return new Date(v).getTime();
  return Number.NaN;
}

function parseInstant(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const t = new Date(v).getTime();
  if (Number.isNaN(t)) throw new BadRequest(`${name}: not an ISO 8601 date-time: ${v}`);
  return t;
}

/** The ID number as the hub stores it (18 characters, upper-case X) when it is valid; else trimmed. */
function normalId(v: unknown): string {
  if (typeof v !== 'string') return '';
  const r = parseIdNumber(v);
  return r.ok ? r.value.idNumber : v.trim().toUpperCase();
}

function encodeCursor(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new BadRequest(`cursor: not a cursor this system issued: ${cursor}`);
  return Number(m[1]);
}

function parseLimit(v: number | undefined): number {
  if (v === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(v) || v < 1) throw new BadRequest(`limit: must be a positive whole number, got ${v}`);
  return Math.min(v, MAX_LIMIT);
}

/** eventAt descending, ties by externalId descending; records without a usable eventAt go last. */
function compareRecords(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ta = instant(a.eventAt);
  const tb = instant(b.eventAt);
  const va = Number.isNaN(ta) ? -Infinity : ta;
  const vb = Number.isNaN(tb) ? -Infinity : tb;
  if (va !== vb) return vb > va ? 1 : -1;
  const ea = String(a.externalId ?? '');
  const eb = String(b.externalId ?? '');
  return ea === eb ? 0 : ea < eb ? 1 : -1;
}

/** Answers a records query over the hub-shaped records (before any renaming or breaking). */
export function answerRecordsQuery(all: readonly Record<string, unknown>[], q: RecordsQuery): Page {
  const sorted = [...all].sort(compareRecords);
  if (q.idNumbers) {
    const wanted = new Set(q.idNumbers.map(normalId).filter((id) => id !== ''));
    const records = sorted.filter((r) => wanted.has(normalId(r.idNumber)));
    return { records, nextCursor: null, total: records.length };
  }
  const regions = (q.regions ?? []).map((r) => r.trim()).filter((r) => r !== '');
  const from = parseInstant('eventFrom', q.eventFrom);
  const to = parseInstant('eventTo', q.eventTo);
  const idNumber = q.idNumber !== undefined && q.idNumber !== '' ? normalId(q.idNumber) : undefined;
  const limit = parseLimit(q.limit);
  const offset = decodeCursor(q.cursor);
  const matches = sorted.filter((r) => {
    if (regions.length > 0 && !regions.some((p) => typeof r.region === 'string' && r.region.startsWith(p))) return false;
    if (idNumber !== undefined && normalId(r.idNumber) !== idNumber) return false;
    if (from !== undefined || to !== undefined) {
      const t = instant(r.eventAt);
      if (Number.isNaN(t)) return false;
      if (from !== undefined && t < from) return false;
      if (to !== undefined && t >= to) return false;
    }
    return true;
  });
  const records = matches.slice(offset, offset + limit);
  const next = offset + limit;
  return { records, nextCursor: next < matches.length ? encodeCursor(next) : null, total: matches.length };
}

/** The same record with a wrong check character and without `name` (a required field in every domain). */
function breakRecord(r: Record<string, unknown>): Record<string, unknown> {
  const { name: _name, ...rest } = r;
  const id = typeof r.idNumber === 'string' ? r.idNumber : '';
  const parsed = parseIdNumber(id);
  const base = parsed.ok
    ? parsed.value.idNumber
    : /^\d{17}/.test(id)
      ? id.slice(0, 17) + checkCharacter(id.slice(0, 17))
      : '50010119900101123';
  const first17 = base.slice(0, 17);
  const right = checkCharacter(first17);
  const CHECK_CHARS = '10X98765432';
  const wrong = CHECK_CHARS[(CHECK_CHARS.indexOf(right) + 1) % CHECK_CHARS.length];
  return { ...rest, idNumber: first17 + wrong };
}

function renameFields(r: Record<string, unknown>, rename: Record<string, string> | undefined): Record<string, unknown> {
  if (!rename || Object.keys(rename).length === 0) return r;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[rename[k] ?? k] = v;
  return out;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function optString(name: string, v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BadRequest(`${name}: must be a String`);
  return v;
}

function optStringList(name: string, v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new BadRequest(`${name}: must be a list of String`);
  return v as string[];
}

export async function startDepartment(options: DepartmentOptions): Promise<Department> {
  const kind = options.kind ?? 'REST';
  let records = [...options.records];
  let mode: DepartmentMode = options.mode ?? 'healthy';
  let countSinceMode = 0;
  const requests: DepartmentRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  /** Serves records as the department's own system would, in the current mode. */
  const serve = (page: Page): Page => {
    let out = page.records;
    if (mode === 'invalid') out = out.map(breakRecord);
    out = out.map((r) => renameFields(r, options.rename));
    return { ...page, records: out };
  };

  const restReply = (path: string, query: Record<string, string>, method: string): Reply => {
    if (path !== '/health' && path !== '/records') return json(404, { error: `no such path: ${path}` });
    if (method !== 'GET') return json(405, { error: `${method} is not allowed on ${path}` });
    if (path === '/health') return json(200, { status: 'ok' });
    const list = (v: string | undefined) =>
      v === undefined
        ? undefined
        : v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '');
    let limit: number | undefined;
    if (query.limit !== undefined) {
      limit = /^-?\d+$/.test(query.limit) ? Number(query.limit) : Number.NaN;
    }
    const page = serve(
      answerRecordsQuery(records, {
        idNumbers: list(query.idNumbers),
        regions: list(query.regions),
        eventFrom: query.eventFrom,
        eventTo: query.eventTo,
        idNumber: query.idNumber,
        limit,
        cursor: query.cursor,
      }),
    );
    return query.idNumbers !== undefined ? json(200, { records: page.records }) : json(200, page);
  };

  const graphqlReply = (path: string, method: string, body: unknown): Reply => {
    if (path !== '/graphql' && path !== '/') return json(404, { errors: [{ message: `no such path: ${path}` }] });
    if (method !== 'POST') return json(405, { errors: [{ message: 'use POST' }] });
    if (body === null || typeof body !== 'object' || typeof (body as { query?: unknown }).query !== 'string') {
      return json(400, { errors: [{ message: 'the body must be JSON { query, variables }' }] });
    }
    const { query, variables } = body as { query: string; variables?: Record<string, unknown> | null };
    const vars = variables ?? {};
    if (/\brecords\b/.test(query)) {
      const page = serve(
        answerRecordsQuery(records, {
          idNumbers: optStringList('idNumbers', vars.idNumbers),
          regions: optStringList('regions', vars.regions),
          eventFrom: optString('eventFrom', vars.eventFrom),
          eventTo: optString('eventTo', vars.eventTo),
          idNumber: optString('idNumber', vars.idNumber),
          limit: vars.limit === undefined || vars.limit === null ? undefined : typeof vars.limit === 'number' ? vars.limit : Number.NaN,
          cursor: optString('cursor', vars.cursor),
        }),
      );
      return json(200, { data: { records: page } });
    }
    if (/\b__typename\b/.test(query)) return json(200, { data: { __typename: 'Query' } });
    return json(400, { errors: [{ message: 'this department only answers `records` and `{ __typename }`' }] });
  };

  const send = (res: http.ServerResponse, reply: Reply) => {
    if (closing || res.destroyed) return;
    res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  };

  const answer = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://department.invalid');
    const entry: DepartmentRequest = { path: url.pathname, query: Object.fromEntries(url.searchParams), at: Date.now() };
    requests.push(entry);
    const method = req.method ?? 'GET';
    let body: unknown;
    if (method !== 'GET' && method !== 'HEAD') {
      const raw = await readBody(req);
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      entry.body = body;
    } else {
      req.resume();
    }

    const current = mode;
    countSinceMode += 1;
    const n = countSinceMode;
    if (current === 'hanging') return; // never answer; close() destroys the socket

    let reply: Reply;
    if (current === 'fail500') {
      reply = text(500, 'internal server error (department in fail500 mode)');
    } else if (current === 'flapping' && n % 2 === 0) {
      reply = text(503, `service unavailable (department flapping: request ${n} since the mode was set)`);
    } else {
      try {
        reply = kind === 'GRAPHQL' ? graphqlReply(url.pathname, method, body) : restReply(url.pathname, entry.query, method);
      } catch (e) {
        const status = e instanceof BadRequest ? 400 : 500;
        const message = e instanceof Error ? e.message : String(e);
        reply = kind === 'GRAPHQL' ? json(status, { errors: [{ message }] }) : json(status, { error: message });
      }
      if (current === 'malformed') {
        reply = { ...reply, body: reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) };
      }
    }

    const delay = current === 'slow' ? (options.delayMs ?? DEFAULT_SLOW_MS) : (options.delayMs ?? 0);
    if (delay <= 0) {
      send(res, reply);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(res, reply);
    }, delay);
    timers.add(timer);
  };
  // an error thrown while answering (a defect in this stand-in) ends that connection instead of going unhandled
  const server = http.createServer((req, res) => {
    answer(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 1000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setMode(next) {
      mode = next;
      countSinceMode = 0;
    },
    setRecords(next) {
      records = [...next];
    },
    close() {
      if (!closed) {
        closing = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
        sockets.clear();
      }
      return closed;
    },
  };
}
