/**
 * What every resolver receives. Declared here, below the resolvers, and built per request by the
 * server (server/context.ts), so no import runs back up the layers.
 */
import type { DataSources } from './index';
import type { Loaders } from './loaders';
import type { DataSourceDoc } from './models';

export interface Limits {
  /** largest `first` of any connection */
  maxPageSize: number;
  /** most ID numbers in one `persons` query */
  maxDossierIds: number;
}

/** Who is calling. Department systems authenticate with their source's API key. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'source'; sourceId: string };

export interface Context {
  caller: Caller;
  sources: DataSources;
  loaders: Loaders;
  limits: Limits;
  /** a request id for logs and, later, the audit trail */
  requestId: string;
  /**
   * Records that a live source failed during this request; the answer then carries a
   * SOURCE_UNAVAILABLE error naming it (with the field's path where known), and the rest of the data.
   */
  reportSourceError(source: DataSourceDoc, error: Error, path?: readonly (string | number)[]): void;
  /** what `hubInfo` answers */
  hub: { version: string; store: string };
}
