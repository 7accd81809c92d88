/**
 * `formatError`: the one place where errors are shaped for clients and logged.
 * Internal errors are masked (the client gets a request id); store outages become SERVICE_UNAVAILABLE;
 * scalar parse errors found during validation keep their BAD_USER_INPUT code.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { isStoreUnavailable } from '../datasources/errors';
import type { Logger } from './logger';
import { isLimitError } from './limits';

const CLIENT_CODES = new Set([
  'BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED', 'SOURCE_UNAVAILABLE',
  'SERVICE_UNAVAILABLE', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE',
]);

export function createFormatError(logger: Logger, exposeDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error) as any;
    if (isStoreUnavailable(original)) {
      logger.warn({ err: { name: original?.name, message: original?.message } }, 'store unavailable');
      return { message: 'the hub\'s store is not reachable; try again shortly', path: formatted.path, extensions: { code: 'SERVICE_UNAVAILABLE' } };
    }
    const code = formatted.extensions?.code as string | undefined;
    if ((code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED') && isLimitError(formatted.message)) {
      return { message: formatted.message.replace(/^Syntax Error: /, ''), extensions: { code: 'QUERY_TOO_COMPLEX' } };
    }
    // A scalar (IdNumber, Date …) rejected a literal during validation: that is bad user input.
    const causeCode = original?.originalError?.extensions?.code ?? original?.extensions?.code;
    if (code === 'GRAPHQL_VALIDATION_FAILED' && causeCode === 'BAD_USER_INPUT') {
      const field = literalField(original);
      return {
        ...formatted,
        message: field ? `${field}: ${formatted.message}` : formatted.message,
        extensions: { ...formatted.extensions, code: 'BAD_USER_INPUT', ...(field ? { field } : {}) },
      };
    }
    if (code && CLIENT_CODES.has(code)) {
      if (exposeDetails) return formatted;
      const { stacktrace: _s, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'internal error');
    return {
      message: exposeDetails ? `internal error: ${formatted.message}` : 'internal error; the hub logged it',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * The argument or input field a rejected literal was given for: the last `name:` before the literal
 * in the document (`person(idNumber: "…")` → `idNumber`; `filter: { eventTo: "…" }` → `eventTo`).
 */
function literalField(error: { source?: { body: string }; positions?: readonly number[] } | undefined): string | undefined {
  const body = error?.source?.body;
  const at = error?.positions?.[0];
  if (!body || at === undefined) return undefined;
  const before = body.slice(Math.max(0, at - 2000), at);
  const names = [...before.matchAll(/([_A-Za-z][_0-9A-Za-z]*)\s*:/g)];
  return names.length > 0 ? names[names.length - 1][1] : undefined;
}
