/**
 * Adds one SOURCE_UNAVAILABLE error per failed live source to an answer that otherwise succeeded:
 * the data of every other source is there, and the error names the source (id and name) and where data is missing.
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
            message: `data source unavailable: ${f.message}`,
            ...(f.path ? { path: [...f.path] } : {}),
            extensions: { code: 'SOURCE_UNAVAILABLE', sourceId, sourceName: f.name },
          }));
          logger.warn({ sources: [...failed.keys()], requestId: contextValue.requestId }, 'answered without failed live sources');
          result.errors = [...(result.errors ?? []), ...errors];
        },
      };
    },
  };
}
