/**
 * `/graphql`: the request time limit and the store-watch guard in front of Apollo, then the JSON body
 * (1 MiB, valid UTF-8 only) and Apollo itself with each request's context.
 */
import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Context } from '../../datasources/request/context';
import { StoreWatch } from '../../datasources/store/connection';
import type { Logger } from '../../lib/logger';
import { GRAPHQL_PATH } from '../paths';
import type { HttpContextBuilder } from '../request-context';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A JSON body must be valid UTF-8 (RFC 8259); anything else is refused with 400, not guessed at. */
function requireUtf8(_req: unknown, _res: unknown, buf: Buffer): void {
  try {
    UTF8.decode(buf);
  } catch {
    throw Object.assign(new Error('the request body is not valid UTF-8'), { status: 400, type: 'encoding.unsupported' });
  }
}

/** The JSON body parser of /graphql and POST /export. */
export const jsonBody = express.json({ limit: '1mb', verify: requireUtf8 });

export interface GraphqlParts {
  apollo: ApolloServer<Context>;
  context: HttpContextBuilder;
  connection: Connection;
  requestTimeoutMs: number;
  logger: Logger;
}

export function mountGraphql(app: Express, { apollo, context, connection, requestTimeoutMs, logger }: GraphqlParts): void {
  // Request time limit: an answer not started within requestTimeoutMs is replaced by a 503; whatever
  // the operation produces later is dropped (the error handler, routes/errors.ts, sees the response already sent).
  app.use(GRAPHQL_PATH, (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      logger.warn({ path: req.path, ms: requestTimeoutMs }, 'request over the time limit');
      // the operation may go on, its answer dropped; a body still coming closes the connection (connections.ts)
      res.status(503).json({
        errors: [
          {
            message: `the request took longer than ${requestTimeoutMs / 1000} s and was stopped`,
            extensions: { code: 'SERVICE_UNAVAILABLE' },
          },
        ],
      });
    }, requestTimeoutMs);
    res.once('close', () => clearTimeout(timer));
    res.once('finish', () => clearTimeout(timer));
    next();
  });
  // A store that stops answering: every request needs it (at least for its audit entry), so it is
  // answered when the store is declared down, not after each of its store operations timed out.
  const storeWatch = new StoreWatch(connection);
  app.use(GRAPHQL_PATH, (req, res, next) => {
    const unavailable = (reason: string) => {
      if (res.headersSent) return;
      logger.warn({ path: req.path, reason }, 'store unavailable: request answered without waiting for it');
      res.status(503).json({
        errors: [{ message: "the hub's store is not reachable; try again shortly", extensions: { code: 'SERVICE_UNAVAILABLE' } }],
      });
    };
    if (storeWatch.down) return unavailable(storeWatch.down);
    const stop = storeWatch.onDown(unavailable);
    res.once('close', stop);
    res.once('finish', stop);
    next();
  });
  app.use(
    GRAPHQL_PATH,
    jsonBody,
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const header = req.headers['x-request-id'];
        const requestId = typeof header === 'string' && /^[\w.-]{1,64}$/.test(header) ? header : randomUUID();
        return context(req, requestId);
      },
    }),
  );
}
