/**
 * One check of every root field's arguments, before its resolver runs, so that a new argument
 * cannot miss it:
 * - no string anywhere in them (input objects, lists, JSON values and their keys) holds a control
 *   character other than tab and line breaks: PostgreSQL refuses U+0000 (FerretDB answers SQLSTATE
 *   22P05), which would otherwise surface as an internal error or a failed write. Fields that are one
 *   line (names, codes) refuse tab and line breaks too, in their own validation.
 * - every `regions` of a `filter` is a region prefix, checked as record lists check it: a wrong code
 *   is refused, not answered with nothing.
 * Authorization wraps these resolvers (server/authorization.ts), so a caller who may not call a
 * field learns nothing from this check.
 */
import { badInput } from '../lib/errors';
import { regionPrefixProblem } from '../domain/regions';
import { controlCharacterProblem, echoPlain } from '../domain/text';
import type { GqlResolvers as Resolvers } from './__generated__/types';

/** Throws BAD_USER_INPUT naming the first argument path that is wrong (`records[1].name`). */
export function checkArguments(args: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(args)) checkValue(value, name, name === 'filter');
}

function checkValue(value: unknown, path: string, inFilter: boolean): void {
  if (typeof value === 'string') {
    const problem = controlCharacterProblem(value, true);
    if (problem) throw badInput(path, problem);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkValue(v, `${path}[${i}]`, inFilter));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, v] of Object.entries(value)) {
      if (controlCharacterProblem(key)) throw badInput(path, `field name ${echoPlain(key)} must not contain control characters`);
      const at = `${path}.${echoPlain(key)}`;
      checkValue(v, at, inFilter);
      if (inFilter && key === 'regions' && Array.isArray(v)) {
        v.forEach((r, i) => {
          const problem = typeof r === 'string' ? regionPrefixProblem(r) : null;
          if (problem) throw badInput(`${at}[${i}]`, problem);
        });
      }
    }
  }
}

type Resolve = (parent: unknown, args: Record<string, unknown>, ctx: unknown, info: unknown) => unknown;

/** The resolvers with every Query and Mutation field's arguments checked first. */
export function withCheckedArguments(resolvers: Resolvers): Resolvers {
  const out: Record<string, unknown> = { ...resolvers };
  for (const type of ['Query', 'Mutation'] as const) {
    const fields = resolvers[type] as Record<string, Resolve> | undefined;
    if (!fields) continue;
    out[type] = Object.fromEntries(
      Object.entries(fields).map(([name, resolve]) => [
        name,
        (parent: unknown, args: Record<string, unknown>, ctx: unknown, info: unknown) => {
          checkArguments(args);
          return resolve(parent, args, ctx, info);
        },
      ]),
    );
  }
  return out as Resolvers;
}
