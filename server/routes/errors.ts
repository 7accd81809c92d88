/**
 * The last handler: errors outside GraphQL (bodies too large, not JSON, not UTF-8) get a JSON answer
 * in the GraphQL error shape, never a stack trace; a 5xx is logged and told only that it was.
 */
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../../lib/logger';

export function jsonErrors(logger: Logger): ErrorRequestHandler {
  return (err: { status?: number; statusCode?: number; type?: string; message?: string }, _req, res, _next) => {
    if (res.headersSent) return; // e.g. the answer of an operation that ran over the time limit
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500) logger.error({ err }, 'HTTP error');
    const message =
      status === 413
        ? 'the request body is over the size limit (1 MiB)'
        : status < 500
          ? err.type === 'entity.parse.failed'
            ? 'the request body is not valid JSON'
            : (err.message ?? 'bad request')
          : 'internal error; the hub logged it';
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR' } }] });
  };
}
