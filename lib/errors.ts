/**
 * The hub's error vocabulary (docs/api.md "Errors"): every error a client sees is a GraphQLError with
 * `extensions.code`, and for input errors the field that was wrong.
 */
import { GraphQLError } from 'graphql';

/** Invalid argument or record: says which field and what was expected. */
export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field } });
}

/** No or invalid credentials (HTTP 401). */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Authenticated, but not allowed (role, jurisdiction, ownership, missing purpose). */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

const STORE_ERROR_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongooseServerSelectionError',
  'MongoExpiredSessionError',
]);

/** Whether an error means the store cannot be reached (as opposed to a bad query). */
export function isStoreUnavailable(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause ?? e.originalError, depth++) {
    if (STORE_ERROR_NAMES.has(e.name)) return true;
    if (typeof e.message === 'string' && /Client must be connected|connection .* closed|ECONNREFUSED|buffering timed out/i.test(e.message))
      return true;
  }
  return false;
}
