/**
 * The hub's error vocabulary (API.md "Errors"): every error a client sees is a GraphQLError with
 * `extensions.code`, and for input errors the field that was wrong.
 */
import { GraphQLError } from 'graphql';

/** Invalid argument or record: says which field and what was expected. */
export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

export function sourceUnavailable(sourceId: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'SOURCE_UNAVAILABLE', sourceId } });
}

export function serviceUnavailable(message = 'the hub\'s store is not reachable; try again shortly'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'SERVICE_UNAVAILABLE' } });
}

const STORE_ERROR_NAMES = new Set([
  'MongoServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoNotConnectedError',
  'MongoTopologyClosedError', 'MongoPoolClearedError', 'MongooseServerSelectionError', 'MongoExpiredSessionError',
]);

/** Whether an error means the store cannot be reached (as opposed to a bad query). */
export function isStoreUnavailable(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause ?? e.originalError, depth++) {
    if (STORE_ERROR_NAMES.has(e.name)) return true;
    if (typeof e.message === 'string' && /Client must be connected|connection .* closed|ECONNREFUSED|buffering timed out/i.test(e.message)) return true;
  }
  return false;
}
