/**
 * What every resolver receives. Declared here, below the resolvers, and built per request by the
 * server (server/request-context.ts), so no import runs back up the layers.
 */
import type { Projections } from '../store/projection';
import type { DataSources } from '../index';
import type { Loaders } from './loaders';
import type { DataSourceDoc } from '../store/models';
import type { AuditLog } from '../services/audit';
import type { TrustedOperations } from '../services/trusted-operations';

export interface Limits {
  /** largest `first` of any connection */
  maxPageSize: number;
  /** most ID numbers in one `persons` query */
  maxDossierIds: number;
}

/** Who is calling. Department systems authenticate with their source's API key. */
export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'source'; sourceId: string }
  | {
      kind: 'person';
      sub: string;
      /** unit code (a department's code for DEPARTMENT callers) */
      org: string;
      role: 'PROCURATOR' | 'ANALYST' | 'DEPARTMENT' | 'ADMIN';
      /** jurisdiction: region-code prefixes */
      regions: string[];
      unmasked: boolean;
      /** X-Purpose: the case or task the query serves */
      purpose: string | null;
    };

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
  /** notes a live source called and its outcome (the audit trail lists them) */
  noteSourceCall(source: DataSourceDoc, ok: boolean): void;
  /** the caller's jurisdiction (region prefixes), null when unrestricted */
  regions: readonly string[] | null;
  /** the audit trail (the server appends; administrators read) */
  audit: AuditLog;
  /** operations registered as trusted */
  trusted: TrustedOperations;
  /** what `hubInfo` answers */
  hub: { version: string; store: string };
  /**
   * The stored record fields this request's document can need, set once the operation is known.
   * A holder object: Apollo hands plugins a shallow copy of the context, and the loaders, made
   * with the original, must see what the plugin sets.
   */
  recordFields: { projections?: Projections };
  /** the ID numbers and record ids the answer returns, noted as their fields resolve (server/returned.ts), for the audit trail */
  returned: { idNumbers: Set<string>; recordIds: Set<string> };
}
