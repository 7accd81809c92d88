/**
 * REST source protocol v1: `GET <endpoint>/records` with the filters as query parameters
 * (`idNumbers` comma-separated for a batch of persons; `regions`, `eventFrom`, `eventTo`,
 * `idNumber`, `limit`, `cursor` and the domain's own filters for a list page), answering
 * `{ records, nextCursor, total }`; `GET <endpoint>/health` for the health check.
 */
import type { DataSourceDoc } from '../../store/models';
import type { ListParams, SourceProtocol } from './connector';
import { getJson } from './http';

export function restProtocol(source: DataSourceDoc): SourceProtocol {
  const records = (query: Record<string, string>, signal: AbortSignal) => getJson(`${source.endpoint}/records`, query, signal);
  return {
    byIdNumbers: (idNumbers, signal) => records({ idNumbers: idNumbers.join(',') }, signal),
    list: (params, signal) => records({ ...listQuery(params), ...params.extra }, signal),
    health: async (signal) => {
      await getJson(`${source.endpoint}/health`, {}, signal);
    },
  };
}

function listQuery(params: ListParams): Record<string, string> {
  const q: Record<string, string> = { limit: String(params.limit) };
  if (params.regions?.length) q.regions = params.regions.join(',');
  if (params.eventFrom) q.eventFrom = params.eventFrom.toISOString();
  if (params.eventTo) q.eventTo = params.eventTo.toISOString();
  if (params.idNumber) q.idNumber = params.idNumber;
  if (params.cursor) q.cursor = params.cursor;
  return q;
}
