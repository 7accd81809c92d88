/**
 * What an answer returns that the audit trail must name (SECURITY.md: "the ID numbers and record ids
 * returned"): every `idNumber` and every `id` field notes its value in the request's context as it
 * resolves. Noted by field, not read back from the answer's keys, so an alias (`n: idNumber`) does
 * not hide a value from the trail; and no walk over the whole answer, which for a statistics
 * answer of thousands of buckets cost more than the fields it was looking for.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from '../datasources/context';

const NOTED = { idNumber: 'idNumbers', id: 'recordIds' } as const;

/** A fresh holder for one request (Context['returned']). */
export function returnedValues(): Context['returned'] {
  return { idNumbers: new Set(), recordIds: new Set() };
}

/** Wraps every `idNumber` and `id` field so that its value (as the caller gets it: masked or not) is noted. Outermost wrapper: apply last. */
export function noteReturnedValues(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName) => {
      if (fieldName !== 'idNumber' && fieldName !== 'id') return field;
      const into = NOTED[fieldName];
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, ctx: Context, info) => {
        const value = resolve(parent, args, ctx, info);
        if (value instanceof Promise) return value.then((v: unknown) => { note(ctx, into, v); return v; });
        note(ctx, into, value);
        return value;
      };
      return field;
    },
  });
}

function note(ctx: Context, into: 'idNumbers' | 'recordIds', value: unknown): void {
  if (value !== null && value !== undefined && ctx.returned) ctx.returned[into].add(String(value));
}
