/**
 * How long a connection may last, and how a hub that is told to stop lets go of them (docs/http.md).
 *
 * Node's own whole-request timeout (`server.requestTimeout`, 300 s) is off: it answered a push that
 * was still streaming 408 and reset it, with no word of what it had stored. Instead a request body
 * is bounded by its size (1 MiB, pushes 64 MiB) and by idleness: no bytes for `bodyIdleTimeoutMs`
 * and it is answered 408 (pushes time their own reads, server/ingest-route.ts). Headers must still
 * come within Node's `headersTimeout` (60 s). An answer sent before its request's body has all come
 * closes the connection, so a client that trickles a body cannot hold it after being answered.
 */
import type { Server } from 'node:http';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from './logger';

/** How long a push cut by the end of the grace period may take to store its last batches and answer. */
const CUT_PUSHES_ANSWER_MS = 10_000;

/** Whether a request carries a body (a GET or a body-less POST has nothing to wait for). */
function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * Answers 408 a request whose body sends no bytes for `idleMs`, and closes its connection. Only while
 * the body is coming: the socket's idle timer is off again once it has all been read.
 */
export function bodyIdleTimeout(idleMs: number, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.complete && hasBody(req)) {
      req.setTimeout(idleMs, () => {
        logger.warn({ path: req.path, ms: idleMs }, 'request body idle: connection closed');
        if (res.headersSent) { req.socket.destroy(); return; }
        res.status(408).set('Connection', 'close').json({ errors: [{ message: `no bytes of the request body came for ${idleMs / 1000} s`, extensions: { code: 'BAD_USER_INPUT' } }] });
      });
      // after the answer, the socket's timer is Node's keep-alive timeout: left alone
      req.once('end', () => { if (!res.headersSent) req.setTimeout(0); });
    }
    next();
  };
}

/** Sets `Connection: close` on an answer sent before its request's body has all come. */
export function closeIfBodyPending(req: Request, res: Response): void {
  if (!req.complete && !res.headersSent) res.set('Connection', 'close');
}

/**
 * The requests in flight, for a drain: stop accepting, let them finish within the grace period, then
 * stop the pushes still coming (they answer what they stored) and close whatever is left.
 */
export class Connections {
  private readonly inFlight = new Set<Response>();
  private draining = false;
  private readonly stopPushes = new AbortController();
  private idle: (() => void) | undefined;
  private server: Server | undefined;

  constructor(private readonly logger: Logger) {}

  /** aborted when the grace period is over: pushes still coming stop and answer (server/ingest-route.ts) */
  get pushStop(): AbortSignal { return this.stopPushes.signal; }

  /** Counts every request until its answer is done or its connection gone; while draining, answers close their connection. */
  readonly track = (_req: Request, res: Response, next: NextFunction): void => {
    this.inFlight.add(res);
    res.once('close', () => {
      this.inFlight.delete(res);
      if (this.inFlight.size === 0) this.idle?.();
    });
    if (this.draining) res.set('Connection', 'close');
    next();
  };

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
   * CUT_PUSHES_ANSWER_MS), and closes every connection left.
   */
  async drain(graceMs: number): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.draining = true;
    server.close();
    server.closeIdleConnections();
    const started = Date.now();
    if (!(await this.settled(graceMs))) {
      this.logger.warn({ requests: this.inFlight.size, graceMs }, 'grace period over: stopping the pushes still coming');
      this.stopPushes.abort();
      await this.settled(CUT_PUSHES_ANSWER_MS);
    }
    if (this.inFlight.size > 0) this.logger.warn({ requests: this.inFlight.size }, 'closing connections of requests still in flight');
    server.closeAllConnections();
    this.logger.info({ ms: Date.now() - started }, 'HTTP drained');
  }

  /** Whether every request in flight is done within `ms`. */
  private settled(ms: number): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.idle = undefined; resolve(false); }, ms);
      this.idle = () => { clearTimeout(timer); this.idle = undefined; resolve(true); };
    });
  }
}
