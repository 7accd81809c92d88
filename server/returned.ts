/**
 * What an answer discloses, which the audit trail must name (docs/security.md: "the ID numbers and record
 * ids returned"): the subject of every person and every record whose data is in the answer, whatever
 * fields were selected. A field that returns a `Person` notes the person's ID number; a field that
 * returns a record (a type implementing `Record`, or the interface) notes the record's id and its
 * person's ID number, as the object resolves: a dossier asking only for `name` and `caseNumber`
 * names both, an analyst's masked `idNumber` is named by the number itself, and an alias hides
 * nothing. A supervision lead counts as a record: its explanation is its person's data. Every `id`
 * field notes its value too (sources, leads). Noted by field, not read back from the answer: no walk
 * over the whole answer, which for a statistics answer of thousands of buckets cost more than the
 * fields it was looking for.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, getNamedType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import type { Context } from '../datasources/request/context';

/** A fresh holder for one request (Context['returned']). */
export function returnedValues(): Context['returned'] {
  return { idNumbers: new Set(), recordIds: new Set() };
}

type Subject = 'person' | 'record';

/** Wraps every field that returns a person or a record, and every `id` field, so that what it returns is noted. Outermost wrapper: apply last. */
export function noteReturnedValues(schema: GraphQLSchema): GraphQLSchema {
  const subjectOf = (typeName: string): Subject | null => {
    if (typeName === 'Person') return 'person';
    // a federation gateway's entities (FEDERATION=subgraph): persons and records, each noted as what it is
    if (typeName === '_Entity') return 'record';
    // a lead's explanation and figures are its person's data: named like a record (its id and person)
    if (typeName === 'SupervisionLead') return 'record';
    const type = schema.getType(typeName);
    if (typeName === 'Record' && isInterfaceType(type)) return 'record';
    return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Record') ? 'record' : null;
  };
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName) => {
      const subject = subjectOf(getNamedType(field.type).name);
      if (!subject && fieldName !== 'id') return field;
      const noteValue = (ctx: Context, value: unknown) => {
        if (!ctx.returned) return;
        if (subject) noteSubjects(ctx.returned, subject, value);
        else if (value !== null && value !== undefined) ctx.returned.recordIds.add(String(value));
      };
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (parent, args, ctx: Context, info) => {
        const value = resolve(parent, args, ctx, info);
        if (value instanceof Promise)
          return value.then((v: unknown) => {
            noteValue(ctx, v);
            return v;
          });
        noteValue(ctx, value);
        return value;
      };
      return field;
    },
  });
}

/** Notes a person (`PersonRef`) or a record (a stored or live record document), or a list of them. */
function noteSubjects(into: Context['returned'], subject: Subject, value: unknown): void {
  // `_entities` answers a list of promises (one per representation): each is noted as it resolves,
  // which is before the answer, and so its audit entry, is complete
  if (value instanceof Promise) {
    value.then(
      (v: unknown) => noteSubjects(into, subject, v),
      () => undefined,
    );
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) noteSubjects(into, subject, v);
    return;
  }
  if (!value || typeof value !== 'object') return;
  const { idNumber, _id } = value as { idNumber?: unknown; _id?: unknown };
  if (typeof idNumber === 'string') into.idNumbers.add(idNumber);
  if (subject === 'record' && _id != null) into.recordIds.add(String(_id));
}
