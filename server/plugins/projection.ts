/** Reads, once per document, which stored record fields the operation can need (datasources/store/projection.ts). */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../../datasources/request/context';
import { recordProjections } from '../../datasources/store/projection';

export function projectionPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, schema, contextValue }) {
          contextValue.recordFields.projections = recordProjections(schema, document);
        },
      };
    },
  };
}
