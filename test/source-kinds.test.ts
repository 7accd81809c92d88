/**
 * The kinds of source are one list (domain/registration.ts): the connector registry, the SDL and the
 * registration check must name the same kinds, so a kind added in one place and missed in another
 * fails here (or, for the connector registry and the store's type, fails to compile).
 */
import { buildSchema, isEnumType } from 'graphql';
import { LIVE_SOURCE_KINDS, registrationProblems, SOURCE_KINDS } from '../domain/registration';
import { CONNECTOR_KINDS } from '../datasources/sources/connectors';
import { protocolFor } from '../datasources/sources/connectors/kinds';
import type { DataSourceDoc } from '../datasources/store/models';
import { loadTypeDefs } from '../server/app';

const registration = (kind: string) => ({
  name: '测试系统',
  department: { code: 'D-1', name: '测试单位' },
  domain: 'PRISON',
  kind,
  regions: ['50'],
  endpoint: kind === 'HOSTED' ? undefined : 'http://127.0.0.1:1/',
});

describe('source kinds', () => {
  it("the SDL's SourceKind enum has exactly the kinds of the one list", () => {
    const kind = buildSchema(loadTypeDefs()).getType('SourceKind');
    if (!isEnumType(kind)) throw new Error('SourceKind is not an enum in the SDL');
    expect(
      kind
        .getValues()
        .map((v) => v.name)
        .sort(),
    ).toEqual([...SOURCE_KINDS].sort());
  });

  it('has a connector for every live kind and none for HOSTED', () => {
    expect(Object.keys(CONNECTOR_KINDS).sort()).toEqual([...LIVE_SOURCE_KINDS].sort());
    expect(SOURCE_KINDS.filter((k) => !(LIVE_SOURCE_KINDS as readonly string[]).includes(k))).toEqual(['HOSTED']);
    expect(() => protocolFor({ kind: 'HOSTED', name: '推送源' } as DataSourceDoc)).toThrow(
      '推送源 is HOSTED: the hub has no live connector for it',
    );
  });

  it('registers every kind of the list and refuses any other, naming them all', () => {
    for (const kind of SOURCE_KINDS) expect(registrationProblems(registration(kind))).toEqual([]);
    expect(registrationProblems(registration('SOAP'))).toEqual([{ field: 'kind', message: `must be one of ${SOURCE_KINDS.join(', ')}` }]);
    // a live kind needs its endpoint; HOSTED has none and no mapping
    for (const kind of LIVE_SOURCE_KINDS)
      expect(registrationProblems({ ...registration(kind), endpoint: null })).toEqual([
        { field: 'endpoint', message: `is required for a ${kind} source` },
      ]);
    expect(registrationProblems({ ...registration('HOSTED'), mapping: { a: 'name' } })).toEqual([
      { field: 'mapping', message: 'only live sources (REST, GRAPHQL, SUBGRAPH) have a mapping' },
    ]);
  });
});
