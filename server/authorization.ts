/**
 * Authorization, declared in the SDL and enforced here, in one place:
 *
 * - `@auth(requires: [...], purpose, ownSource)` on every root field: the caller's role (or SOURCE for
 *   an API key) must be listed; a PROCURATOR must give a purpose (X-Purpose) where `purpose` is set;
 *   a DEPARTMENT caller may act only on its own department's sources (`ownSource`).
 * - Default deny: a root field without `@auth` makes the schema refuse to build.
 * - `@mask`: personal fields are masked for ANALYST callers without the `unmasked` grant.
 * Row-level jurisdiction is applied by the data sources (RequestScope), for every path to a record.
 */
import { MapperKind, getDirective, mapSchema } from '@graphql-tools/utils';
import type { ApolloServerPlugin } from '@apollo/server';
import { defaultFieldResolver, GraphQLError, Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { forbidden, unauthenticated } from '../lib/errors';
import type { Context } from '../datasources/request/context';
import { maskIdNumber, maskName } from '../domain/id-number';
import { isRegionPrefix } from '../domain/regions';

/**
 * Where a department's source would reach past the department's regions: the regions it asks for
 * (a registration, or an update that changes them), else those the source covers now. A source's
 * regions decide which records it may bring in (ingest and live reads refuse records outside them),
 * so a department limited to 500115 with a source for 500101 could change 500101's persons for
 * every reader. Entries that are not region codes are left to the registration's own checks.
 */
function outsideRegions(
  jurisdiction: readonly string[],
  asked: readonly string[] | null | undefined,
  current: readonly string[] | undefined,
): { field?: string; message: string } | null {
  const inside = (r: string) => jurisdiction.some((prefix) => r.startsWith(prefix));
  if (asked) {
    const i = asked.findIndex((r) => isRegionPrefix(r) && !inside(r));
    return i < 0 ? null : { field: `regions[${i}]`, message: `regions[${i}] ${asked[i]} is outside them` };
  }
  const wider = current?.filter((r) => !inside(r)) ?? [];
  return wider.length ? { message: `the source covers ${wider.join(', ')}` } : null;
}

/** The role a caller acts in, or null for none. */
function roleOf(ctx: Context): string | null {
  if (ctx.caller.kind === 'person') return ctx.caller.role;
  if (ctx.caller.kind === 'source') return 'SOURCE';
  return null;
}

/** Who may call a field: the roles, whether a procurator must give a purpose, and a department's own source. */
export interface AuthRule {
  requires: string[];
  purpose?: boolean;
  ownSource?: string;
}

/**
 * @param rules the rules of root fields whose SDL the hub does not write (federation's `_entities`,
 *   `_service`), by `Type.field`
 */
export function applyAuthorization(schema: GraphQLSchema, rules: Readonly<Record<string, AuthRule>> = {}): GraphQLSchema {
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name].filter(Boolean));
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const auth = (getDirective(schema, field, 'auth')?.[0] as AuthRule | undefined) ?? rules[`${typeName}.${fieldName}`];
      const mask = getDirective(schema, field, 'mask')?.[0];
      if (roots.has(typeName) && !auth) throw new Error(`${typeName}.${fieldName} has no @auth: every root field must say who may call it`);
      const resolve = field.resolve ?? defaultFieldResolver;
      if (auth) {
        const check = (args: Record<string, unknown>, ctx: Context) => {
          const role = roleOf(ctx);
          if (!role)
            throw unauthenticated('credentials are required: Authorization: Bearer <token> (people) or ApiKey <key> (department systems)');
          if (!auth.requires.includes(role))
            throw forbidden(`${typeName}.${fieldName} is not open to ${role}; it needs one of ${auth.requires.join(', ')}`);
          if (auth.purpose && ctx.caller.kind === 'person' && ctx.caller.role === 'PROCURATOR' && !ctx.caller.purpose) {
            throw forbidden("a procurator's data query must state its purpose: send the header X-Purpose with the case or task reference");
          }
          if (auth.ownSource && ctx.caller.kind === 'person' && ctx.caller.role === 'DEPARTMENT') {
            const code =
              auth.ownSource === 'input'
                ? (args.input as { department?: { code?: string } } | undefined)?.department?.code
                : ctx.sources.registry.get(String(args[auth.ownSource] ?? ''))?.department.code;
            if (code !== ctx.caller.org) throw forbidden(`department ${ctx.caller.org} may act only on its own sources`);
            if (
              auth.ownSource !== 'input' &&
              (args.input as { department?: { code?: string } } | undefined)?.department?.code &&
              (args.input as { department: { code: string } }).department.code !== ctx.caller.org
            ) {
              throw forbidden(`department ${ctx.caller.org} cannot move a source to another department`);
            }
            const outside = outsideRegions(
              ctx.caller.regions,
              (args.input as { regions?: readonly string[] | null } | undefined)?.regions,
              auth.ownSource === 'input' ? undefined : ctx.sources.registry.get(String(args[auth.ownSource]))?.regions,
            );
            if (outside) {
              throw new GraphQLError(
                `department ${ctx.caller.org} may register and change sources only inside its regions (${ctx.caller.regions.join(', ')}): ${outside.message}`,
                {
                  extensions: { code: 'FORBIDDEN', ...(outside.field ? { field: outside.field } : {}) },
                },
              );
            }
          }
        };
        field.resolve = (parent, args, ctx: Context, info) => {
          check(args, ctx);
          return resolve(parent, args, ctx, info);
        };
        // a subscription is authorized when it starts (and each event again, by `resolve`)
        const subscribe = field.subscribe;
        if (subscribe)
          field.subscribe = (parent, args, ctx: Context, info) => {
            check(args, ctx);
            return subscribe(parent, args, ctx, info);
          };
      }
      if (mask) {
        const inner = field.resolve ?? defaultFieldResolver;
        field.resolve = async (parent, args, ctx: Context, info) => {
          const value = await inner(parent, args, ctx, info);
          if (typeof value !== 'string' || ctx.caller.kind !== 'person' || ctx.caller.role !== 'ANALYST' || ctx.caller.unmasked)
            return value;
          return fieldName === 'idNumber' ? maskIdNumber(value) : maskName(value);
        };
      }
      return field;
    },
  });
}

/**
 * Introspection (where it is on at all: development) is for ADMIN and ANALYST callers, who build
 * queries; other callers use the operations their front ends ship. Throws FORBIDDEN.
 */
export function refuseIntrospection(operation: OperationDefinitionNode | null | undefined, ctx: Context): void {
  const asks =
    !!operation &&
    operation.selectionSet.selections.some(
      (sel) => sel.kind === Kind.FIELD && (sel.name.value === '__schema' || sel.name.value === '__type'),
    );
  if (!asks) return;
  const role = roleOf(ctx);
  if (role !== 'ADMIN' && role !== 'ANALYST') throw forbidden('introspection is open to ADMIN and ANALYST callers only');
}

export function introspectionPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          refuseIntrospection(operation, contextValue);
        },
      };
    },
  };
}

/**
 * Where required, procurators and departments run only trusted operations: the exact text of an
 * operation an administrator registered (front ends ship fixed operations; analysts keep ad-hoc
 * queries within the cost budget). Throws FORBIDDEN.
 */
export async function refuseUntrusted(required: boolean, query: string | undefined, ctx: Context): Promise<void> {
  if (!required) return;
  const role = roleOf(ctx);
  if (role !== 'PROCURATOR' && role !== 'DEPARTMENT') return;
  if (!query || !(await ctx.trusted.isTrusted(query))) {
    throw forbidden(`${role} callers may run only registered (trusted) operations; this one is not registered`);
  }
}

export function trustedOperationsPlugin(required: boolean): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, contextValue }) {
          await refuseUntrusted(required, request.query, contextValue);
        },
      };
    },
  };
}
