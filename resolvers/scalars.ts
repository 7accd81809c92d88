/** Custom scalars. Parse errors are BAD_USER_INPUT and say what was expected and what came. */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { parseIdNumber } from '../domain/id-number';
import { echo, echoPlain } from '../domain/text';

function bad(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/**
 * Thrown from `parseLiteral`. A plain Error, not a GraphQLError, so that graphql-js wraps it with
 * the literal's location and the expected type ("Expected value of type "IdNumber!", found …; …");
 * formatError then names the argument and sets BAD_USER_INPUT from `extensions`.
 */
export class ScalarLiteralError extends Error {
  readonly extensions = { code: 'BAD_USER_INPUT' };
}

/** Runs a parser on a literal, turning its error into a ScalarLiteralError. */
function literal<T>(parse: (value: unknown) => T) {
  return (ast: ValueNode): T => {
    if (ast.kind !== Kind.STRING) throw new ScalarLiteralError('must be a string');
    try {
      return parse(ast.value);
    } catch (e) {
      throw new ScalarLiteralError((e as Error).message);
    }
  };
}

const ISO_WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Whether `YYYY-MM-DD` names a day of the calendar (JavaScript would roll 2024-02-30 into March). */
function isCalendarDate(value: string): boolean {
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function parseDateTime(value: unknown): Date {
  const m = typeof value === 'string' ? ISO_WITH_OFFSET.exec(value) : null;
  if (!m) throw bad(`DateTime must be ISO 8601 with an offset, e.g. 2024-03-01T08:00:00+08:00; got ${echo(value)}`);
  const [, day, hh, mm, , ss, , , oh, om] = m;
  const real =
    isCalendarDate(day) &&
    Number(hh) < 24 &&
    Number(mm) < 60 &&
    Number(ss ?? 0) < 60 &&
    (oh === undefined || (Number(oh) < 24 && Number(om) < 60));
  const d = new Date(value as string);
  if (!real || Number.isNaN(d.getTime())) throw bad(`DateTime ${value} is not a real date-time`);
  return d;
}

export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize(value) {
    const d = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(d.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return d.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: literal(parseDateTime),
});

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw bad(`Date must be YYYY-MM-DD; got ${echo(value)}`);
  }
  if (!isCalendarDate(value)) throw bad(`Date ${value} is not a real date`);
  return value;
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: parseDate,
  parseLiteral: literal(parseDate),
});

function parseId(value: unknown): string {
  if (typeof value !== 'string') throw bad(`IdNumber must be a string; got ${echo(value)}`);
  const r = parseIdNumber(value);
  if (!r.ok) throw bad(`IdNumber ${echoPlain(value)}: ${r.reason}`);
  return r.value.idNumber;
}

export const IdNumber = new GraphQLScalarType<string, string>({
  name: 'IdNumber',
  serialize: (value) => String(value),
  parseValue: parseId,
  parseLiteral: literal(parseId),
});

function literalToJson(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalToJson(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      throw bad('JSON literal not understood');
  }
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToJson,
});
