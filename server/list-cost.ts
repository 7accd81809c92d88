/**
 * Cost as list sizes × fields (docs/security.md): every field costs 1, and what is selected under a list
 * field costs as many times as the list may hold. Which fields are lists, and how long, comes from
 * the schema itself, so a new connection cannot be left out of a hand-kept list (one such list
 * priced `supervisionLeads`, 20 leads by default, as 1):
 * - a field with a `first` argument holds `first` items: as given (a literal or a variable), else the
 *   argument's default in the SDL, else the page size the resolvers fall back to (`pageSize`);
 * - a field returning a `…Connection` type without `first` holds that fallback page;
 * - a field with an `idNumbers` argument holds one item per ID number (`persons`).
 * So `detentionRecords(first: 500) { edges { node { person { detentions(first: 500) … } } } }` is
 * priced at what it could return, before it runs. Checked once the operation and its variables are
 * known; over budget answers QUERY_TOO_COMPLEX with the price and the budget.
 *
 * The budget applies to every caller's ad-hoc operations: procurators' and departments' too, whose
 * front ends need not register their operations (REQUIRE_TRUSTED_OPERATIONS is off by default), and
 * an operation of static cost 570,060 ran as a procurator before. Trusted (registered) operations are
 * exempt: an administrator checked them when registering them, and a front end's dossier of 100
 * persons is dear by nature. Whether an operation is trusted is asked only when it is over budget,
 * so an operation within it costs no lookup.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import type { Context } from '../datasources/request/context';
import { DEFAULT_PAGE_SIZE } from '../datasources/store/pagination';

function argValue(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.LIST) return node.values;
  return undefined;
}

/**
 * The price of a selection set on `parent` (a type of `schema`), with fragments followed (and a
 * guard against fragment cycles).
 */
export function selectionCost(
  set: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  parent: GraphQLNamedType,
  schema: GraphQLSchema,
  seen: Set<string> = new Set(),
): number {
  if (!set) return 0;
  const typed = (name: string | undefined) => (name ? schema.getType(name) : undefined) ?? parent;
  let total = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FRAGMENT_SPREAD) {
      const f = fragments[sel.name.value];
      if (f && !seen.has(f.name.value))
        total += selectionCost(
          f.selectionSet,
          fragments,
          variables,
          typed(f.typeCondition.name.value),
          schema,
          new Set([...seen, f.name.value]),
        );
      continue;
    }
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      total += selectionCost(sel.selectionSet, fragments, variables, typed(sel.typeCondition?.name.value), schema, seen);
      continue;
    }
    const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[sel.name.value] : undefined;
    if (!field) {
      total += 1;
      continue;
    } // __typename (validation has refused unknown fields)
    const given = (name: string) => argValue(sel.arguments?.find((a) => a.name.value === name)?.value, variables);
    const type = getNamedType(field.type);
    let size = 1;
    const first = field.args.find((a) => a.name === 'first');
    if (first) {
      const v = given('first');
      size = typeof v === 'number' ? Math.max(v, 1) : typeof first.defaultValue === 'number' ? first.defaultValue : DEFAULT_PAGE_SIZE;
    } else if (field.args.some((a) => a.name === 'idNumbers')) {
      const v = given('idNumbers');
      size = Array.isArray(v) ? Math.max(v.length, 1) : 1;
    } else if (type.name.endsWith('Connection')) size = DEFAULT_PAGE_SIZE;
    total += 1 + size * selectionCost(sel.selectionSet, fragments, variables, type, schema, seen);
  }
  return total;
}

/** Throws QUERY_TOO_COMPLEX when the operation's price is over `budget` and it is not a trusted operation. */
export async function refuseOverBudget(
  budget: number,
  op: {
    operation: OperationDefinitionNode | null | undefined;
    document: DocumentNode;
    variables: Record<string, unknown>;
    query: string | undefined;
    schema: GraphQLSchema;
    ctx: Context;
  },
): Promise<void> {
  const { operation, document, schema } = op;
  const root =
    operation &&
    (operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType());
  if (!operation || !root) return;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const cost = selectionCost(operation.selectionSet, fragments, op.variables, root, schema);
  if (cost > budget && !(op.query && (await op.ctx.trusted.isTrusted(op.query)))) {
    throw new GraphQLError(
      `Query cost (list sizes × fields) of ${cost} is over the budget of ${budget}: ask for smaller pages or fewer fields, or have an administrator register the operation as trusted`,
      {
        extensions: { code: 'QUERY_TOO_COMPLEX', cost, budget },
      },
    );
  }
}

export function listCostPlugin(budget: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, contextValue, schema }) {
          await refuseOverBudget(budget, {
            operation,
            document,
            variables: request.variables ?? {},
            query: request.query,
            schema,
            ctx: contextValue,
          });
        },
      };
    },
  };
}
