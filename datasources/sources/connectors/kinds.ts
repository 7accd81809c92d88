/**
 * The registry of connector kinds: the protocol of every kind of source the hub reads live. Keyed by
 * the domain's one list of live kinds (domain/registration.ts), so a kind added there without a
 * protocol here, or a protocol here for no such kind, fails to compile; the store's type of a
 * source's kind is checked against the same list below. Adding a kind: its name in
 * LIVE_SOURCE_KINDS, its value in the SDL's `SourceKind` enum, one file like rest.ts, one line here.
 */
import { isLiveKind, type LiveSourceKind, type SourceKindName } from '../../../domain/registration';
import type { DataSourceDoc, SourceKind } from '../../store/models';
import type { SourceProtocol } from './connector';
import { graphqlProtocol } from './graphql';
import { restProtocol } from './rest';
import { subgraphProtocol } from './subgraph';

export const CONNECTOR_KINDS: { readonly [K in LiveSourceKind]: (source: DataSourceDoc) => SourceProtocol } = {
  REST: restProtocol,
  GRAPHQL: graphqlProtocol,
  SUBGRAPH: subgraphProtocol,
};

/** The protocol a live source is read through; a HOSTED source has none (its records are in the store). */
export function protocolFor(source: DataSourceDoc): SourceProtocol {
  if (!isLiveKind(source.kind)) throw new Error(`source ${source.name} is ${source.kind}: the hub has no live connector for it`);
  return CONNECTOR_KINDS[source.kind](source);
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The store's kinds are the domain's kinds: a kind in one and not the other is a compile error here. */
const STORE_KINDS_AGREE: Same<SourceKind, SourceKindName> = true;
void STORE_KINDS_AGREE;
