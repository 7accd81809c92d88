/**
 * Projections from the selection set: which stored fields of each record collection a request can
 * need, read from its GraphQL document. The store then sends only those: on FerretDB the documents
 * are encoded and decoded whole otherwise (the peer benchmark, which projects, answered a dossier in
 * 29 ms against the hub's 52 ms before this), on MongoDB it is less to read and send.
 *
 * An over-approximation by design: every field selected on a record type anywhere in the document
 * (fragments and the `Record` interface included) counts for that type, plus what the hub itself
 * reads from a record whatever is selected (ids, person, jurisdiction, source, type).
 */
import { TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';
import { DOMAIN_OF_TYPE, DOMAINS, RECORD_DOMAINS, type Domain } from '../../domain/record-domains';

export type Projection = Record<string, 1>;
export type Projections = Readonly<Partial<Record<Domain, Projection>>>;

/** Read by the hub from every record it handles: identity, person (name of the newest update), jurisdiction, source, paging. */
const ALWAYS = ['_id', 'idNumber', 'name', 'region', 'eventAt', 'updatedAt', 'sourceId', 'externalId'];
/** GraphQL fields of a record that are not stored under their own name. */
const STORED_AS: Readonly<Record<string, readonly string[]>> = {
  id: ['_id'],
  domain: [],
  person: ['idNumber', 'name'],
  source: ['sourceId'],
  __typename: [],
};

const cache = new WeakMap<DocumentNode, Projections>();

export function recordProjections(schema: GraphQLSchema, document: DocumentNode): Projections {
  const known = cache.get(document);
  if (known) return known;
  // the unit field also tells a record's domain (resolvers/common.ts `domainOf`)
  const fields = new Map<Domain, Set<string>>(DOMAINS.map((d) => [d, new Set([...ALWAYS, RECORD_DOMAINS[d].unit])]));
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType()?.name;
        if (!parent) return;
        const domains = parent === 'Record' ? DOMAINS : DOMAIN_OF_TYPE[parent] ? [DOMAIN_OF_TYPE[parent]] : [];
        const stored = STORED_AS[node.name.value] ?? [node.name.value];
        for (const d of domains) for (const f of stored) fields.get(d)!.add(f);
      },
    }),
  );
  const out = Object.fromEntries(
    [...fields].map(([d, set]) => [d, Object.fromEntries([...set].map((f) => [f, 1 as const]))]),
  ) as Projections;
  cache.set(document, out);
  return out;
}
