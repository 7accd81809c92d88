/**
 * The GraphQL twin of the REST protocol: one `records(...)` field taking the same filters as
 * variables and answering `{ records, nextCursor, total }`; `{ __typename }` as the health check.
 * The domain's own filters are not sent (the schema has no place for them; the hub applies them).
 */
import type { DataSourceDoc } from '../../store/models';
import type { SourceProtocol } from './connector';
import { postJson } from './http';

const RECORDS_QUERY = `query HubRecords($idNumbers: [String!], $regions: [String!], $eventFrom: String, $eventTo: String, $idNumber: String, $limit: Int, $cursor: String) {
  records(idNumbers: $idNumbers, regions: $regions, eventFrom: $eventFrom, eventTo: $eventTo, idNumber: $idNumber, limit: $limit, cursor: $cursor) { records nextCursor total }
}`;

export function graphqlProtocol(source: DataSourceDoc): SourceProtocol {
  const post = async (body: unknown, signal: AbortSignal) => {
    const json = (await postJson(source.endpoint!, body, signal)) as { data?: unknown; errors?: { message?: string }[] };
    if (json?.errors?.length) throw new Error(`GraphQL error: ${String(json.errors[0]?.message ?? 'unknown').slice(0, 200)}`);
    return json;
  };
  const records = async (variables: Record<string, unknown>, signal: AbortSignal) =>
    recordsOf(await post({ query: RECORDS_QUERY, variables }, signal));
  return {
    byIdNumbers: (idNumbers, signal) => records({ idNumbers: [...idNumbers] }, signal),
    list: (params, signal) =>
      records(
        {
          regions: params.regions ?? null,
          eventFrom: params.eventFrom?.toISOString() ?? null,
          eventTo: params.eventTo?.toISOString() ?? null,
          idNumber: params.idNumber ?? null,
          limit: params.limit,
          cursor: params.cursor ?? null,
        },
        signal,
      ),
    health: async (signal) => {
      await post({ query: '{ __typename }' }, signal);
    },
  };
}

function recordsOf(body: unknown): unknown {
  const data = (body as { data?: { records?: unknown } })?.data;
  if (!data || typeof data.records !== 'object' || data.records === null) throw new Error('GraphQL answer has no data.records');
  return data.records;
}
