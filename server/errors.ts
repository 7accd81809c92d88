/**
 * `formatError`: the one place where errors are shaped for clients and logged.
 * Internal errors are masked (the client gets a request id); store outages become SERVICE_UNAVAILABLE;
 * scalar parse errors found during validation keep their BAD_USER_INPUT code.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { isStoreUnavailable } from '../lib/errors';
import { boundMessage } from '../domain/text';
import type { Logger } from '../lib/logger';
import { isLimitError, limitMessage } from './limits';

const CLIENT_CODES = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'SOURCE_UNAVAILABLE',
  'EVALUATION_RUNNING',
  'SERVICE_UNAVAILABLE',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'TOO_MANY_SUBSCRIPTIONS',
]);

export function createFormatError(logger: Logger, exposeDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // graphql-js repeats a rejected literal or variable value whole (`found "…"`): cut like our own echoes
    formatted = { ...formatted, message: boundMessage(formatted.message) };
    const original = unwrapResolverError(error) as any;
    if (isStoreUnavailable(original)) {
      logger.warn({ err: { name: original?.name, message: original?.message } }, 'store unavailable');
      return {
        message: "the hub's store is not reachable; try again shortly",
        path: formatted.path,
        extensions: { code: 'SERVICE_UNAVAILABLE' },
      };
    }
    const code = formatted.extensions?.code as string | undefined;
    if ((code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED') && isLimitError(formatted.message)) {
      return { message: limitMessage(formatted.message), extensions: { code: 'QUERY_TOO_COMPLEX' } };
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

/** The HTTP status of an answer refused for a code (the GraphQL-over-HTTP spec's 4xx, and 5xx for the hub). */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  BAD_USER_INPUT: 400,
  QUERY_TOO_COMPLEX: 400,
  GRAPHQL_PARSE_FAILED: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  OPERATION_RESOLUTION_FAILURE: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * The status of a request refused before it ran (no `data` in the answer). Apollo answers 400 for
 * documents that do not parse or validate, but an error thrown by a plugin's `didResolveOperation`
 * (introspection or an unregistered operation refused, a query over the cost budget) gets its
 * fallback 500, which says the hub failed. Here such an answer gets the status of its codes: the
 * highest, so a real internal error among them stays 500. Answers with `data` (even null) stay 200, as
 * the spec asks: the operation ran and its errors are in the body.
 */
export function requestErrorStatusPlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || response.http.status !== 500) return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || !errors?.length) return;
          response.http.status = Math.max(...errors.map((e) => STATUS_OF_CODE[String(e.extensions?.code)] ?? 500));
        },
      };
    },
  };
}
