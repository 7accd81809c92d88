/**
 * `POST /ingest/{sourceId}`: a HOSTED source pushes records as NDJSON, one JSON record per line.
 *
 * The body is read as a stream and stored in batches of 1,000 lines, four batches written at once
 * while the next is read and validated, so a push of 1,000,000 lines never holds more than five
 * batches in memory; reading pauses while four writes are in flight (backpressure). Several writes
 * at once, because FerretDB on PostgreSQL stores nearly twice as much that way as with one stream
 * (the driver's own insertMany of 36,324 custody records with the hub's indexes: 4,414 records/s
 * with one stream, 7,793 with two, 8,237 with four; measured 2026-11-26 on this 2-core machine),
 * and the hub's ingest of 100,000 records went from 1 write at a time to 2, 3 and 4: 4,455, 4,891
 * and (with FerretDB's unused indexes gone, models.ts) 5,769 / 5,701 records/s in two runs
 * (`npm run bench -- --scales 100k --only ingest`; 3 at a time then: 4,990).
 * Batches are independent: ingest is idempotent and version-guarded, so the same record in two
 * batches written at once ends as its newest version (the older counted unchanged).
 * A line that is not JSON or not valid UTF-8 is a rejected record, not a failed push. Over the size
 * limit (64 MiB) the push stops with 413, and the answer still says what was stored before it.
 */
import type { Request, Response } from 'express';
import { addResults, checkPush, emptyResult, publicResult, PushRefused } from '../datasources/ingest';
import type { DataSources } from '../datasources';
import { callerOf, AuthError } from './auth';
import type { Logger } from './logger';
import type { PersonClaims } from './jwt';

export const NDJSON_BATCH = 1000;
/** batches of one push written at once */
export const NDJSON_WRITES_IN_FLIGHT = 4;
export const NDJSON_LIMIT_BYTES = 64 * 1024 * 1024;
const NEWLINE = 0x0a;

const STATUS = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400 } as const;

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

export function ingestHandler(sources: DataSources, logger: Logger, limitBytes = NDJSON_LIMIT_BYTES, verify?: (token: string) => Promise<PersonClaims>) {
  return async (req: Request, res: Response): Promise<void> => {
    const sourceId = String(req.params.sourceId);
    let source;
    try {
      const caller = await callerOf(req.headers.authorization, sources, verify);
      source = checkPush(sources.registry.get(sourceId), sourceId, caller.kind === 'source' ? caller.sourceId : null);
    } catch (e) {
      if (e instanceof AuthError) return refuse(res, 401, 'UNAUTHENTICATED', e.message);
      if (e instanceof PushRefused) return refuse(res, STATUS[e.code], e.code, e.message);
      throw e;
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!['application/x-ndjson', 'application/jsonl', 'application/jsonlines'].includes(type)) {
      return refuse(res, 415, 'BAD_USER_INPUT', `Content-Type must be application/x-ndjson (one JSON record per line), got "${type || 'none'}"`);
    }

    const started = Date.now();
    const total = emptyResult();
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let batch: unknown[] = [];
    let indexes: number[] = [];
    let line = 0;
    let bytes = 0;
    let carry: Buffer = Buffer.alloc(0);
    let tooLarge = false;

    const writing = new Set<Promise<void>>();
    let failure: { error: unknown } | null = null;
    /** Starts writing the batch read so far. */
    const flush = () => {
      if (batch.length === 0) return;
      const records = batch;
      const at = indexes;
      batch = [];
      indexes = [];
      const write: Promise<void> = sources.ingestor.ingest(source, records, { indexes: at, deferMark: true }).then(
        (r) => {
          addResults(total, r);
          if (Math.floor(at[0] / 100_000) !== Math.floor(at[at.length - 1] / 100_000) || at[0] % 100_000 === 0) {
            logger.info({ sourceId, lines: line, accepted: total.accepted }, 'ingest progress');
          }
        },
        (error) => { failure ??= { error }; },
      ).finally(() => writing.delete(write));
      writing.add(write);
    };
    /** Waits until at most `most` writes are in flight; throws the first write's failure. */
    const settle = async (most: number) => {
      while (writing.size > most) await Promise.race(writing);
      if (failure) throw failure.error;
    };
    const takeLine = (raw: Buffer) => {
      const index = line++;
      let text: string;
      try {
        text = decoder.decode(raw).trim();
      } catch {
        total.rejected.push({ index, externalId: null, reasons: ['line: is not valid UTF-8'] });
        return;
      }
      if (text === '') return;
      try {
        batch.push(JSON.parse(text));
        indexes.push(index);
      } catch {
        total.rejected.push({ index, externalId: null, reasons: [`line: is not JSON (${text.length > 40 ? `${text.slice(0, 40)}…` : text})`] });
      }
    };

    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bytes > limitBytes) { tooLarge = true; break; }
        let data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        let from = 0;
        for (let nl = data.indexOf(NEWLINE, from); nl !== -1; nl = data.indexOf(NEWLINE, from)) {
          takeLine(data.subarray(from, nl));
          from = nl + 1;
          if (batch.length >= NDJSON_BATCH) { flush(); await settle(NDJSON_WRITES_IN_FLIGHT - 1); }
        }
        carry = Buffer.from(data.subarray(from));
      }
      if (!tooLarge && carry.length) takeLine(carry);
      flush();
      await settle(0);
    } catch (e) {
      // The answer counts every batch that was stored, including those written beside the failed one.
      await Promise.allSettled([...writing]);
      total.rejected.sort((a, b) => a.index - b.index);
      logger.error({ err: e, sourceId, lines: line }, 'ingest stopped by an error');
      res.status(503).json({
        error: { code: 'SERVICE_UNAVAILABLE', message: 'the push stopped before its end; records counted as accepted below are stored, push the rest again' },
        result: publicResult(total),
      });
      return;
    }
    total.rejected.sort((a, b) => a.index - b.index);
    if (total.accepted > 0) sources.health.delivered(source);
    logger.info({ sourceId, lines: line, accepted: total.accepted, unchanged: total.unchanged, rejected: total.rejected.length, ms: Date.now() - started }, 'ingest done');
    if (tooLarge) {
      req.unpipe?.();
      res.status(413).set('Connection', 'close').json({
        error: { code: 'BAD_USER_INPUT', message: `the body is over ${limitBytes} bytes: stopped after line ${line}; records counted as accepted are stored, push the rest separately` },
        result: publicResult(total),
      });
      return;
    }
    res.json(publicResult(total));
  };
}
