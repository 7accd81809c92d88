/**
 * A department system that is itself a Federation 2 subgraph, for registering with the hub as a
 * SUBGRAPH source (docs/federation.md, "Department systems that are subgraphs"): a detention centre's
 * custody records under its own field names (`bianhao`, `jigou`), in 万州区 (500101): one made up for
 * each person asked whose ID number's 16th digit is even, none for others. Synthetic,
 * like the judgments.
 *
 *   npx tsx examples/federation/department.ts          # PORT=4201 by default
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

export const DEPARTMENT_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Person @key(fields: "idNumber") {
    idNumber: String!
    "在押记录 (the department's name for custody records)."
    custody: [Custody!]!
  }

  type Unit { code: String! name: String! }

  type Custody {
    "编号"
    bianhao: String!
    name: String!
    region: String!
    eventAt: String!
    updatedAt: String!
    "羁押机构"
    jigou: Unit!
    caseNumber: String!
    handlingAuthority: String!
    stage: String!
    admittedAt: String!
    stageStartedAt: String!
    "the centre's own note, which the hub does not read"
    remark: String
  }

  type Query { centre: String }
`;

/** One custody record in 万州区 for half the persons: in first instance since a day made from the ID number. */
export function custodyOf(idNumber: string) {
  if (!/^\d{15}[02468]/.test(idNumber)) return [];
  const n = Number(idNumber.slice(14, 17)) || 1;
  const since = `2026-0${1 + (n % 9)}-1${n % 10}T09:00:00+08:00`;
  return [
    {
      bianhao: `WZ-SG-${idNumber.slice(12, 17)}`,
      name: '（子图）',
      region: '500101',
      eventAt: since,
      updatedAt: '2020-01-01T09:00:00+08:00',
      jigou: { code: 'KSS-500101', name: '重庆市万州区看守所' },
      caseNumber: `万公刑字〔2026〕${n}号`,
      handlingAuthority: '重庆市公安局万州区分局',
      stage: 'FIRST_INSTANCE',
      admittedAt: since,
      stageStartedAt: since,
      remark: '内部备注',
    },
  ];
}

export function departmentSchema() {
  return buildSubgraphSchema([
    {
      typeDefs: parse(DEPARTMENT_SDL),
      resolvers: {
        Person: {
          __resolveReference: (ref: { idNumber: string }) => ({ idNumber: ref.idNumber }),
          custody: (p: { idNumber: string }) => custodyOf(p.idNumber),
        },
        Query: { centre: () => '重庆市万州区看守所' },
      } as never,
    },
  ]);
}

if (require.main === module) {
  const server = new ApolloServer({ schema: departmentSchema(), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  void startStandaloneServer(server, { listen: { port: Number(process.env.PORT ?? 4201), host: '127.0.0.1' } }).then(({ url }) =>
    process.stdout.write(`detention centre subgraph at ${url}\n`),
  );
}
