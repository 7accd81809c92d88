/**
 * Cost as list sizes × fields (SECURITY.md): every field costs 1, and what is selected under a list
 * field costs as many times as the list may hold (`first` of a connection, default 20; the number of
 * `idNumbers` of `persons`). So `detentionRecords(first: 500) { edges { node { person { detentions(first: 500) … } } } }`
 * is priced at what it could return, before it runs. Checked once the operation and its variables are
 * known; over budget answers QUERY_TOO_COMPLEX with the price and the budget. The budget applies to
 * ANALYST callers, who write ad-hoc queries (SECURITY.md); the operations of procurators' and
 * departments' front ends are fixed (trusted) and priced when they are written.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import type { Context } from '../datasources/context';

function argValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.LIST) return node.values;
  return undefined;
}

/** The price of a selection set, with fragments followed (and a guard against fragment cycles). */
export function selectionCost(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  seen: Set<string> = new Set(),
): number {
  if (!set) return 0;
  let total = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const f = fragments[sel.name.value];
      if (f && !seen.has(f.name.value)) total += selectionCost(f.selectionSet, fragments, variables, new Set([...seen, f.name.value]));
      continue;
    }
    if (sel.kind === Kind.INLINE_FRAGMENT) { total += selectionCost(sel.selectionSet, fragments, variables, seen); continue; }
    if (sel.name.value.startsWith('__')) { total += 1; continue; }
    let size = 1;
    const first = sel.arguments?.find((a) => a.name.value === 'first');
    const ids = sel.arguments?.find((a) => a.name.value === 'idNumbers');
    if (first) { const v = argValue(first.value, variables); size = typeof v === 'number' ? Math.max(v, 1) : 20; }
    else if (ids) { const v = argValue(ids.value, variables); size = Array.isArray(v) ? Math.max(v.length, 1) : 1; }
    else if (sel.selectionSet && CONNECTION_FIELDS.has(sel.name.value)) size = 20; // default page size
    total += 1 + size * selectionCost(sel.selectionSet, fragments, variables, seen);
  }
  return total;
}

/** Fields that return connections (their `first` defaults to 20 when left out). */
const CONNECTION_FIELDS = new Set([
  'detentionRecords', 'prisonRecords', 'communityCorrections', 'enforcementCases',
  'detentions', 'imprisonments', 'corrections', 'auditLog',
]);

export function listCostPlugin(budget: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue }) {
          if (!operation || contextValue.caller.kind !== 'person' || contextValue.caller.role !== 'ANALYST') return;
          const fragments: Record<string, FragmentDefinitionNode> = {};
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
          const cost = selectionCost(operation.selectionSet, fragments, request.variables ?? {});
          if (cost > budget) {
            throw new GraphQLError(`Query cost (list sizes × fields) of ${cost} is over the budget of ${budget}: ask for smaller pages or fewer fields`, {
              extensions: { code: 'QUERY_TOO_COMPLEX', cost, budget },
            });
          }
        },
      };
    },
  };
}
