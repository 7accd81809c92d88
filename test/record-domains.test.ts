/**
 * Each record domain's description (domain/record-domains/) agrees with the SDL and with its own
 * shape, so that a new domain whose SDL or description misses a part fails here rather than at a
 * client: the Domain enum, the GraphQL names, the list filter fields, the enumerations' terms and the
 * stored fields.
 */
import { buildSchema, isEnumType, isInputObjectType, isObjectType, type GraphQLInputObjectType } from 'graphql';
import { z } from 'zod';
import { DOMAINS, RECORD_DOMAINS } from '../domain/record-domains';
import { loadTypeDefs } from '../server/app';

const schema = buildSchema(loadTypeDefs());

describe('record domain descriptions', () => {
  it("name exactly the SDL's Domain values, in its order", () => {
    const domain = schema.getType('Domain');
    expect(isEnumType(domain) && domain.getValues().map((v) => v.name)).toEqual([...DOMAINS]);
  });

  it.each(DOMAINS)("%s: its GraphQL names exist, and its list filter fields are the filter input's own", (d) => {
    const { graphql, filters, unit } = RECORD_DOMAINS[d];
    const type = schema.getType(graphql.type);
    expect(isObjectType(type) && type.getInterfaces().map((i) => i.name)).toEqual(['Record']);
    expect(isObjectType(type) && Object.keys(type.getFields())).toContain(unit);
    expect(schema.getType(graphql.connection)).toBeDefined();
    const list = schema.getQueryType()!.getFields()[graphql.list];
    expect(list?.type.toString()).toBe(`${graphql.connection}!`);
    expect(
      schema.getType('Person') &&
        (schema.getType('Person') as never as { getFields(): Record<string, unknown> }).getFields()[graphql.personField],
    ).toBeDefined();
    expect(schema.getMutationType()!.getFields()[graphql.ingest]).toBeDefined();
    const filterType = list.args.find((a) => a.name === 'filter')!.type as GraphQLInputObjectType;
    expect(isInputObjectType(filterType)).toBe(true);
    const common = ['regions', 'sourceIds', 'eventFrom', 'eventTo', 'idNumber'];
    expect(Object.keys(filterType.getFields()).filter((f) => !common.includes(f))).toEqual(filters.map((f) => f.name));
  });

  it.each(DOMAINS)('%s: every stored field is a field of its shape, and every enumeration value has its terms', (d) => {
    const { shape, stored, status, category } = RECORD_DOMAINS[d];
    const fields = Object.keys((shape as unknown as z.ZodObject).shape);
    expect(fields).toEqual(expect.arrayContaining(Object.keys(stored)));
    for (const dim of [status, category]) {
      const top = dim.path.split('.')[0];
      expect(fields).toContain(top);
      for (const t of Object.values(dim.terms)) expect(t.zh && t.en).toBeTruthy();
    }
  });
});
