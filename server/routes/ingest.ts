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
 * A push is bounded by size and by idleness, not by duration: one that sends no bytes for the idle
 * timeout while the hub waits for them (the time the hub itself spends writing does not count) stops
 * with 408, and one still coming when a hub that is shutting down ends its grace period stops with
 * 503; both answers say what was stored (every whole line read), and close the connection.
 */
import type { Request, Response } from 'express';
import { addResults, checkPush, emptyResult, publicResult, PushRefused } from '../../datasources/services/ingest';
import type { DataSources } from '../../datasources';
import { callerOf, AuthError } from '../auth';
import type { Logger } from '../../lib/logger';
import type { PersonClaims } from '../jwt';

export const NDJSON_BATCH = 1000;
/** batches of one push written at once */
export const NDJSON_WRITES_IN_FLIGHT = 4;
export const NDJSON_LIMIT_BYTES = 64 * 1024 * 1024;
const NEWLINE = 0x0a;

const STATUS = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400 } as const;

/** Why reading a push stopped before its end. */
type Cut = { cut: 'idle' | 'shutdown' };

/** The next chunk of the body; or a cut, when none comes for `idleMs` or `stop` is aborted first. */
async function nextChunk(
  chunks: AsyncIterator<Buffer>,
  idleMs: number,
  stop: AbortSignal | undefined,
): Promise<IteratorResult<Buffer> | Cut> {
  if (stop?.aborted) return { cut: 'shutdown' };
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  try {
    return await Promise.race([
      chunks.next(),
      new Promise<Cut>((resolve) => {
        // one more turn of the event loop first: a hub busy past the timeout runs the timer before it
        // reads bytes that came meanwhile, and those win the race
        timer = setTimeout(() => setImmediate(() => resolve({ cut: 'idle' })), idleMs);
        onStop = () => resolve({ cut: 'shutdown' });
        stop?.addEventListener('abort', onStop, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onStop) stop?.removeEventListener('abort', onStop);
  }
}

export interface IngestRouteOptions {
  sources: DataSources;
  logger: Logger;
  /** largest push body (default 64 MiB) */
  limitBytes?: number;
  /** checks a Bearer token (server/jwt.ts); without it only API keys are taken */
  verify?: (token: string) => Promise<PersonClaims>;
  /** no bytes for this long while the hub waits for them stops the push (408) */
  idleMs: number;
  /** aborted when a shutting-down hub's grace period is over: pushes still coming stop (503) */
  stop?: AbortSignal;
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

export function ingestHandler(options: IngestRouteOptions) {
  const { sources, logger, limitBytes = NDJSON_LIMIT_BYTES, verify } = options;
  return async (req: Request, res: Response): Promise<void> => {
    // The hub's request body timeout (server/connections.ts) watches the socket, which is also idle while this
    // route pauses reading for its writes; the route times its own reads instead.
    req.setTimeout(0);
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
      return refuse(
        res,
        415,
        'BAD_USER_INPUT',
        `Content-Type must be application/x-ndjson (one JSON record per line), got "${type || 'none'}"`,
      );
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
      const write: Promise<void> = sources.ingestor
        .ingest(source, records, { indexes: at, deferMark: true })
        .then(
          (r) => {
            addResults(total, r);
            if (Math.floor(at[0] / 100_000) !== Math.floor(at[at.length - 1] / 100_000) || at[0] % 100_000 === 0) {
              logger.info({ sourceId, lines: line, accepted: total.accepted }, 'ingest progress');
            }
          },
          (error) => {
            failure ??= { error };
          },
        )
        .finally(() => writing.delete(write));
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
        total.rejected.push({
          index,
          externalId: null,
          reasons: [`line: is not JSON (${text.length > 40 ? `${text.slice(0, 40)}…` : text})`],
        });
      }
    };

    let cut: Cut['cut'] | undefined;
    try {
      const chunks = (req as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
      for (;;) {
        const next = await nextChunk(chunks, options.idleMs, options.stop);
        if ('cut' in next) {
          cut = next.cut;
          break;
        }
        if (next.done) break;
        const chunk = next.value;
        bytes += chunk.length;
        if (bytes > limitBytes) {
          tooLarge = true;
          break;
        }
        const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        let from = 0;
        for (let nl = data.indexOf(NEWLINE, from); nl !== -1; nl = data.indexOf(NEWLINE, from)) {
          takeLine(data.subarray(from, nl));
          from = nl + 1;
          if (batch.length >= NDJSON_BATCH) {
            flush();
            await settle(NDJSON_WRITES_IN_FLIGHT - 1);
          }
        }
        carry = Buffer.from(data.subarray(from));
      }
      // a line cut off by a stop is not a whole record: it is not counted
      if (!tooLarge && !cut && carry.length) takeLine(carry);
      // the rest of a body stopped early is read and dropped until the connection closes after the
      // answer (connections.ts), so the client is not reset before it has read the answer
      if (tooLarge || cut) req.resume();
      flush();
      await settle(0);
    } catch (e) {
      // The answer counts every batch that was stored, including those written beside the failed one.
      await Promise.allSettled([...writing]);
      total.rejected.sort((a, b) => a.index - b.index);
      logger.error({ err: e, sourceId, lines: line }, 'ingest stopped by an error');
      res.status(503).json({
        error: {
          code: 'SERVICE_UNAVAILABLE',
          message: 'the push stopped before its end; records counted as accepted below are stored, push the rest again',
        },
        result: publicResult(total),
      });
      return;
    }
    total.rejected.sort((a, b) => a.index - b.index);
    if (total.accepted > 0) sources.health.delivered(source);
    logger.info(
      {
        sourceId,
        lines: line,
        accepted: total.accepted,
        unchanged: total.unchanged,
        rejected: total.rejected.length,
        ms: Date.now() - started,
      },
      'ingest done',
    );
    if (cut) {
      const [status, code, why] =
        cut === 'idle'
          ? ([408, 'BAD_USER_INPUT', `no bytes came for ${options.idleMs / 1000} s`] as const)
          : ([503, 'SERVICE_UNAVAILABLE', 'the hub is shutting down'] as const);
      logger.warn({ sourceId, lines: line, accepted: total.accepted, cut }, 'push stopped before its end');
      // the connection closes after the answer (connections.ts): the client is still sending
      res.status(status).json({
        error: {
          code,
          message: `${why}: the push stopped after line ${line}; records counted as accepted are stored, push the rest again`,
        },
        result: publicResult(total),
      });
      return;
    }
    if (tooLarge) {
      req.unpipe?.();
      // the connection closes after the answer (connections.ts), with the rest of the body unread
      res.status(413).json({
        error: {
          code: 'BAD_USER_INPUT',
          message: `the body is over ${limitBytes} bytes: stopped after line ${line}; records counted as accepted are stored, push the rest separately`,
        },
        result: publicResult(total),
      });
      return;
    }
    res.json(publicResult(total));
  };
}
