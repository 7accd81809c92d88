/**
 * The subgraph source protocol: a department whose system is an Apollo Federation 2 subgraph is read
 * the way a gateway reads it, through entity queries, not through the hub's list protocol.
 *
 * The department's subgraph has the entity `Person @key(fields: "idNumber")` with a field (the
 * source's `entityField`, default `detentionRecords` …) listing that person's records of the source's
 * domain, as objects or as a JSON scalar. The hub reads the subgraph's SDL once (`_service { sdl }`),
 * selects from the record type every field the hub's record shape knows (under the department's
 * names, `mapping` applied in reverse; nested objects likewise), and asks for a batch of persons in one
 * request:
 *
 *   query HubEntities($representations: [_Any!]!) {
 *     _entities(representations: $representations) { ... on Person { <entityField> { <selection> } } }
 *   }
 *
 * Null fields are left out (GraphQL's null is the record's absent value); a record without the ID
 * number gets its entity's. There is no list: the kind has no `list`, so the
 * connector answers lists of one person and leaves the source out of other lists and of statistics.
 * Health: the SDL read again and checked (entity, key, field), so a change on the department's side
 * shows in the source's health with what is missing.
 */
import {
  Kind,
  parse,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type TypeNode,
} from 'graphql';
import type { z } from 'zod';
import { RECORD_DOMAINS, type Domain } from '../../../domain/records';
import { defaultEntityField } from '../../../domain/registration';
import type { DataSourceDoc } from '../../store/models';
import type { SourceProtocol } from './connector';
import { postJson } from './http';

/** The hub's record shape as a tree of field names: an object's fields, or null for a value. */
export interface ShapeTree {
  [field: string]: ShapeTree | null;
}

/** The fields of a zod shape, nested objects (also in lists) as subtrees. */
export function shapeTree(type: z.ZodType): ShapeTree | null {
  const def = (type as unknown as { def: Record<string, unknown> & { type: string } }).def;
  switch (def.type) {
    case 'object':
      return Object.fromEntries(Object.entries(def.shape as Record<string, z.ZodType>).map(([k, v]) => [k, shapeTree(v)]));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return shapeTree(def.innerType as z.ZodType);
    case 'array':
      return shapeTree(def.element as z.ZodType);
    case 'pipe':
      return shapeTree(def.in as z.ZodType);
    default:
      return null;
  }
}

const TREES = new Map<Domain, ShapeTree>();
function recordTree(domain: Domain): ShapeTree {
  let tree = TREES.get(domain);
  if (!tree) TREES.set(domain, (tree = shapeTree(RECORD_DOMAINS[domain].shape as z.ZodType) ?? {}));
  return tree;
}

/** What the hub asks a subgraph source: the entities query, and how its ID number field is called there. */
export interface SubgraphPlan {
  query: string;
  field: string;
  /** the department's name of the hub's `idNumber` */
  idNumberField: string;
}

/** The problem with a department's SDL, for the source's health. */
export class SubgraphPlanError extends Error {}

const MAX_DEPTH = 4;

/**
 * The plan for a source from its subgraph's SDL; throws SubgraphPlanError naming what is missing.
 * Pure: tested on SDL text without a server.
 */
export function planSubgraph(source: Pick<DataSourceDoc, 'domain' | 'entityField' | 'mapping'>, sdl: string): SubgraphPlan {
  let doc: DocumentNode;
  try {
    doc = parse(sdl);
  } catch (e) {
    throw new SubgraphPlanError(`its SDL does not parse: ${(e as Error).message}`);
  }
  const types = new Map<string, { fields: FieldDefinitionNode[]; keyed: boolean }>();
  for (const d of doc.definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION)
      continue;
    const t = types.get(d.name.value) ?? { fields: [], keyed: false };
    t.fields.push(...(d.fields ?? []));
    t.keyed ||= keyedByIdNumber(d as ObjectTypeDefinitionNode | ObjectTypeExtensionNode);
    types.set(d.name.value, t);
  }
  const person = types.get('Person');
  const field = source.entityField ?? defaultEntityField(source.domain);
  if (!person) throw new SubgraphPlanError('its SDL has no type Person');
  if (!person.keyed) throw new SubgraphPlanError('its Person is not an entity keyed by idNumber (@key(fields: "idNumber"))');
  const list = person.fields.find((f) => f.name.value === field);
  if (!list) throw new SubgraphPlanError(`its Person has no field ${field} (the source's entityField)`);
  const tree = recordTree(source.domain);
  const toHub = source.mapping ?? {};
  const toDepartment = new Map(Object.entries(toHub).map(([remote, hub]) => [hub, remote]));
  const recordType = namedType(list.type);
  let selection = '';
  if (types.has(recordType)) {
    selection = select(types, recordType, tree, (remote) => toHub[remote] ?? remote, 1);
    if (!selection) throw new SubgraphPlanError(`its ${recordType} (Person.${field}) has none of the fields of ${source.domain} records`);
    selection = ` { ${selection} }`;
  }
  return {
    field,
    idNumberField: toDepartment.get('idNumber') ?? 'idNumber',
    query: `query HubEntities($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { ${field}${selection} } } }`,
  };
}

/** The selection of `typeName`'s fields that the hub's tree knows; nested object types recursively. */
function select(
  types: Map<string, { fields: FieldDefinitionNode[] }>,
  typeName: string,
  tree: ShapeTree,
  hubName: (remote: string) => string,
  depth: number,
): string {
  const parts: string[] = [];
  for (const f of types.get(typeName)?.fields ?? []) {
    const name = f.name.value;
    const hub = hubName(name);
    if (!Object.hasOwn(tree, hub)) continue; // a field the hub does not know would fail the record's check
    if (f.arguments?.some((a) => a.type.kind === Kind.NON_NULL_TYPE && !a.defaultValue)) continue;
    const inner = namedType(f.type);
    const sub = tree[hub];
    if (types.has(inner)) {
      if (!sub || depth >= MAX_DEPTH) continue;
      const nested = select(types, inner, sub, (n) => n, depth + 1);
      if (nested) parts.push(`${name} { ${nested} }`);
    } else parts.push(name);
  }
  return parts.join(' ');
}

function namedType(t: TypeNode): string {
  return t.kind === Kind.NAMED_TYPE ? t.name.value : namedType(t.type);
}

function keyedByIdNumber(d: ObjectTypeDefinitionNode | ObjectTypeExtensionNode): boolean {
  return (d.directives ?? []).some(
    (dir) =>
      dir.name.value === 'key' &&
      dir.arguments?.some((a) => a.name.value === 'fields' && a.value.kind === Kind.STRING && a.value.value.trim() === 'idNumber'),
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A GraphQL answer has null where a record has no value; the record shapes mean "absent" (a list
 * left out is empty, not null). Object fields that are null are removed, at every depth.
 */
export function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
  return out;
}

type GraphQLAnswer = { data?: Record<string, unknown> | null; errors?: { message?: string }[] };

export function subgraphProtocol(source: DataSourceDoc): SourceProtocol {
  const post = async (body: unknown, signal: AbortSignal) => {
    const json = (await postJson(source.endpoint!, body, signal)) as GraphQLAnswer;
    if (json?.errors?.length) throw new Error(`GraphQL error: ${String(json.errors[0]?.message ?? 'unknown').slice(0, 200)}`);
    return json?.data ?? {};
  };
  const readPlan = async (signal: AbortSignal) => {
    const data = await post({ query: 'query HubSubgraphSdl { _service { sdl } }' }, signal);
    const sdl = (data._service as { sdl?: unknown } | undefined)?.sdl;
    if (typeof sdl !== 'string') throw new Error('answered no _service { sdl }: not a Federation subgraph');
    try {
      return planSubgraph(source, sdl);
    } catch (e) {
      throw new Error(`subgraph: ${(e as Error).message}`);
    }
  };
  // read once per connector (kept across requests); read again after a failed call, and by each health check
  let plan: Promise<SubgraphPlan> | null = null;
  return {
    byIdNumbers: async (idNumbers, signal) => {
      const current = (plan ??= readPlan(signal));
      try {
        const p = await current;
        const data = await post(
          { query: p.query, variables: { representations: idNumbers.map((idNumber) => ({ __typename: 'Person', idNumber })) } },
          signal,
        );
        const entities = data._entities;
        if (!Array.isArray(entities)) throw new Error('GraphQL answer has no data._entities list');
        const records: unknown[] = [];
        entities.forEach((entity, i) => {
          const list = (entity as Record<string, unknown> | null)?.[p.field];
          if (!Array.isArray(list)) return;
          for (const raw of list) {
            const r = withoutNulls(raw);
            // a record need not repeat its entity's key
            if (isObject(r) && !(p.idNumberField in r)) r[p.idNumberField] = idNumbers[i];
            records.push(r);
          }
        });
        return { records, nextCursor: null, total: records.length };
      } catch (e) {
        if (plan === current) plan = null;
        throw e;
      }
    },
    health: async (signal) => {
      plan = readPlan(signal);
      try {
        await plan;
      } catch (e) {
        plan = null;
        throw e;
      }
    },
  };
}
