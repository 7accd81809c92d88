/**
 * What every resolver receives. Declared here, below the resolvers, and built per request by the
 * server (server/context.ts), so no import runs back up the layers.
 */
import type { DataSources } from './index';
import type { Loaders } from './loaders';

export interface Limits {
  /** largest `first` of any connection */
  maxPageSize: number;
  /** most ID numbers in one `persons` query */
  maxDossierIds: number;
}

export interface Context {
  sources: DataSources;
  loaders: Loaders;
  limits: Limits;
  /** a request id for logs and, later, the audit trail */
  requestId: string;
  /** what `hubInfo` answers */
  hub: { version: string; store: string };
}
