/**
 * What a live source connector is: the hub's one way to read a department's own system at query
 * time, whatever protocol the department speaks. Callers (federated records, statistics, the
 * evaluation, the registry's probe) see only `SourceConnector`; a kind of source is a
 * `SourceProtocol` (rest.ts, graphql.ts) named in kinds.ts.
 */
import type { AnyRecordDoc, DataSourceDoc } from '../../store/models';

export interface ListParams {
  regions?: readonly string[] | null;
  eventFrom?: Date | null;
  eventTo?: Date | null;
  idNumber?: string | null;
  /** the domain's own filters, passed on for the department to apply (the hub applies them too) */
  extra?: Record<string, string>;
  limit: number;
  cursor?: string | null;
}

export interface LivePage {
  records: AnyRecordDoc[];
  nextCursor: string | null;
  total: number;
}

/** A live source, read through its kind's protocol behind the shared resilience policy (policy.ts). */
export interface SourceConnector {
  readonly source: DataSourceDoc;
  /** the source's id as a hex string */
  readonly id: string;
  /** Every record of these persons (one request for the whole batch). */
  byIdNumbers(idNumbers: readonly string[]): Promise<AnyRecordDoc[]>;
  /**
   * One page of the source's list, in its own order. A source read by person only (`listable`
   * false) answers a list of one person (`idNumber` given) and throws SourceNotListable otherwise.
   */
  list(params: ListParams): Promise<LivePage>;
  /** Whether the source can be listed (and so counted and read whole); SUBGRAPH sources cannot. */
  readonly listable: boolean;
  /** Whether the department's system answers its health check. */
  probe(): Promise<void>;
}

/**
 * How one kind of source is spoken to on the wire, and nothing else: each call answers the
 * department's `{ records, nextCursor, total }` as sent. Timeouts, retries, the breaker, validation
 * of the records and the source's health are the connector's, the same for every kind.
 */
export interface SourceProtocol {
  byIdNumbers(idNumbers: readonly string[], signal: AbortSignal): Promise<unknown>;
  /** absent: the kind is read by person only (a Federation subgraph has entities, not lists) */
  list?(params: ListParams, signal: AbortSignal): Promise<unknown>;
  health(signal: AbortSignal): Promise<void>;
}

/** A live source failed; the message says how, for `SOURCE_UNAVAILABLE` and the source's health. */
export class SourceCallError extends Error {
  constructor(
    readonly sourceId: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceCallError';
  }
}

/**
 * A list, a count or a whole read was asked of a source that answers by person only (a SUBGRAPH
 * source). Not a failure of the source: its health and circuit are not touched, and the answer names
 * it as left out.
 */
export class SourceNotListable extends SourceCallError {
  constructor(sourceId: string, name: string, kind: string) {
    super(
      sourceId,
      `${name} is a ${kind} source: it answers a person's records (dossiers, persons), not lists or statistics, so it is left out here`,
    );
    this.name = 'SourceNotListable';
  }
}
