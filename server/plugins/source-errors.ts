/**
 * Adds one SOURCE_UNAVAILABLE error per failed live source to an answer that otherwise succeeded:
 * the data of every other source is there, and the error names the source (id and name) and where data is missing.
 * A source that answers by person only (SUBGRAPH), left out of a list or a count, has `reason: READ_BY_PERSON_ONLY`.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../../datasources/request/context';
import type { Logger } from '../../lib/logger';
import { failedSources } from '../request-context';

export function sourceErrorsPlugin(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const failed = failedSources(contextValue);
          if (!failed?.size || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          const errors = [...failed].map(([sourceId, f]) => ({
            message: `${f.leftOut ? 'data source left out' : 'data source unavailable'}: ${f.message}`,
            ...(f.path ? { path: [...f.path] } : {}),
            extensions: {
              code: 'SOURCE_UNAVAILABLE',
              sourceId,
              sourceName: f.name,
              ...(f.leftOut ? { reason: 'READ_BY_PERSON_ONLY' } : {}),
            },
          }));
          logger.warn({ sources: [...failed.keys()], requestId: contextValue.requestId }, 'answered without failed live sources');
          result.errors = [...(result.errors ?? []), ...errors];
        },
      };
    },
  };
}
