/**
 * How long a connection may last, and how a hub that is told to stop lets go of them (docs/http.md).
 *
 * Node's own whole-request timeout (`server.requestTimeout`, 300 s) is off: it answered a push that
 * was still streaming 408 and reset it, with no word of what it had stored. Instead a request body
 * is bounded by its size (1 MiB, pushes 64 MiB) and by idleness: no bytes for `bodyIdleTimeoutMs`
 * and it is answered 408 (pushes time their own reads, server/routes/ingest.ts). Headers must still
 * come within Node's `headersTimeout` (60 s). An answer sent before its request's body has all come
 * closes the connection, so a client that trickles a body cannot hold it after being answered.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from '../lib/logger';

/**
 * After an answer sent while its request's body was still coming, how long the rest of the body is
 * read and dropped before the connection is closed: closed at once, the bytes still unread would
 * make the kernel reset it, and the client could lose the answer (hence a FIN first, then this wait).
 */
const LINGER_MS = 2000;

/** How long a push cut by the end of the grace period may take to store its last batches and answer. */
const CUT_PUSHES_ANSWER_MS = 10_000;

/** Whether a request carries a body (a GET or a body-less POST has nothing to wait for). */
function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Answers 408 a request whose body sends no bytes for `idleMs`; its connection is then closed (see
 * `Connections.track`). Only while the body is coming: the socket's idle timer is off again once it
 * has all been read.
 */
export function bodyIdleTimeout(idleMs: number, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.complete && hasBody(req)) {
      req.setTimeout(idleMs, () => {
        // A hub busy past the timeout runs the timer before it reads bytes that came meanwhile: one
        // turn of the event loop reads them first, and a byte read re-arms the socket's timer.
        const read = req.socket.bytesRead;
        setImmediate(() => {
          if (req.socket.bytesRead !== read || req.complete) return;
          logger.warn({ path: req.path, ms: idleMs }, 'request body idle: answered 408');
          if (res.headersSent) {
            req.socket.destroy();
            return;
          }
          res.status(408).json({
            errors: [{ message: `no bytes of the request body came for ${idleMs / 1000} s`, extensions: { code: 'BAD_USER_INPUT' } }],
          });
        });
      });
      // after the answer, the socket's timer is Node's keep-alive timeout: left alone
      req.once('end', () => {
        if (!res.headersSent) req.setTimeout(0);
      });
    }
    next();
  };
}

/**
 * The requests in flight, for a drain: stop accepting, let them finish within the grace period, then
 * stop the pushes still coming (they answer what they stored) and close whatever is left.
 */
export class Connections {
  private readonly inFlight = new Set<Response>();
  private readonly lingering = new Set<Socket>();
  private draining = false;
  private readonly stopPushes = new AbortController();
  private server: Server | undefined;

  constructor(private readonly logger: Logger) {}

  /** aborted when the grace period is over: pushes still coming stop and answer (server/routes/ingest.ts) */
  get pushStop(): AbortSignal {
    return this.stopPushes.signal;
  }

  /**
   * Counts every request until its answer is done or its connection gone. An answer sent before its
   * request's body has all come (a refused or cut push, a 408, the 503 of the time limit, a 404), and
   * every answer while draining, closes its connection: a client trickling the rest of a body cannot
   * hold the connection after its answer.
   */
  readonly track = (req: Request, res: Response, next: NextFunction): void => {
    this.inFlight.add(res);
    res.once('finish', () => {
      if (!req.complete || this.draining) this.close(req.socket);
    });
    res.once('close', () => this.inFlight.delete(res));
    next();
  };

  /**
   * Closes a connection whose answer is sent: a FIN after the answer, then the rest of the body read
   * and dropped for LINGER_MS at most. Not `Connection: close`, with which Node closes the socket at
   * once: bytes still unread make the kernel reset it, and the client can lose the answer it had not
   * read yet (seen with a push cut while its client was still sending).
   */
  private close(socket: Socket): void {
    if (this.lingering.has(socket) || socket.destroyed) return;
    this.lingering.add(socket);
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref();
    socket.once('close', () => {
      clearTimeout(timer);
      this.lingering.delete(socket);
    });
  }

  /** Serves `app`, with Node's whole-request timeout off (see above). */
  listen(app: Express, port: number, host: string): Server {
    const server = app.listen(port, host);
    server.requestTimeout = 0;
    this.server = server;
    return server;
  }

  /**
   * Stops accepting connections (idle keep-alive ones are closed), waits up to `graceMs` for the
   * requests in flight, then stops the pushes still coming and waits for their answers (at most
   * CUT_PUSHES_ANSWER_MS) and for the connections closing after them, and closes every connection left.
   */
  async drain(graceMs: number): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.draining = true;
    server.close();
    server.closeIdleConnections();
    const started = Date.now();
    if (!(await until(() => this.inFlight.size === 0, graceMs))) {
      this.logger.warn({ requests: this.inFlight.size, graceMs }, 'grace period over: stopping the pushes still coming');
      this.stopPushes.abort();
      await until(() => this.inFlight.size === 0, CUT_PUSHES_ANSWER_MS);
    }
    await until(() => this.lingering.size === 0, LINGER_MS);
    if (this.inFlight.size > 0) this.logger.warn({ requests: this.inFlight.size }, 'closing connections of requests still in flight');
    server.closeAllConnections();
    this.logger.info({ ms: Date.now() - started }, 'HTTP drained');
  }
}

/** Whether `done()` holds within `ms` (checked every 50 ms: a drain happens once). */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() >= end) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
