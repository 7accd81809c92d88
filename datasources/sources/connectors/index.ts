/**
 * Live connectors: the hub calling a department's own system at query time, through the REST
 * source protocol v1 (rest.ts), its GraphQL twin (graphql.ts), or a department's Federation subgraph (subgraph.ts).
 *
 * - connector.ts: what a connector does (`SourceConnector`) and what a kind implements (`SourceProtocol`)
 * - rest.ts, graphql.ts, subgraph.ts: one file per kind, the wire protocol only (subgraph.ts: a
 *   Federation subgraph read through `_entities`, by person only)
 * - kinds.ts: the registry of kinds, keyed by the domain's list of live kinds
 * - policy.ts: the one resilience policy (timeout, retry, breaker, bulkhead) and the health it notes
 * - answer.ts: validation, renames and stamping of the records a source sends
 * - live-connector.ts, pool.ts: a source's connector, and one per source kept across requests
 */
export { SourceCallError, SourceNotListable, type ListParams, type LivePage, type SourceConnector, type SourceProtocol } from './connector';
export { DEFAULT_SOURCE_TIMEOUT_MS } from './policy';
export { liveRecordId } from './answer';
export { CONNECTOR_KINDS } from './kinds';
export { LiveConnector } from './live-connector';
export { ConnectorPool } from './pool';
