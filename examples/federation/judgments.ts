/**
 * A second subgraph for the federation example: a court's judgments (裁判文书), which extend the hub's
 * `Person` entity by its key. Synthetic: each person gets one judgment made up from the ID number.
 *
 *   npx tsx examples/federation/judgments.ts          # PORT=4200 by default
 *
 * docs/federation.md explains how it is composed with the hub and served by a gateway.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

export const JUDGMENTS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  "Resident ID number (公民身份号码), as the hub defines it."
  scalar IdNumber

  "A person, as the hub keys them; this subgraph adds the court's judgments."
  type Person @key(fields: "idNumber") {
    idNumber: IdNumber!
    "The court's judgments about the person (裁判文书), newest first."
    judgments: [Judgment!]!
  }

  "A judgment (判决书) of a court."
  type Judgment {
    "案号, e.g. (2024)渝0101刑初123号."
    caseNumber: String!
    court: String!
    "判决结果."
    verdict: String!
    "The day it took effect, YYYY-MM-DD."
    effectiveOn: String!
  }
`;

/** One made-up judgment per person: the same for the same ID number. */
export function judgmentsOf(idNumber: string) {
  const n = Number(idNumber.slice(14, 17)) || 1;
  return [
    {
      caseNumber: `(2024)渝${idNumber.slice(2, 6)}刑初${n}号`,
      court: '重庆市万州区人民法院',
      verdict: `有期徒刑${1 + (n % 5)}年`,
      effectiveOn: `2024-0${1 + (n % 9)}-1${n % 10}`,
    },
  ];
}

export function judgmentsSchema() {
  return buildSubgraphSchema([
    {
      typeDefs: parse(JUDGMENTS_SDL),
      resolvers: {
        Person: {
          __resolveReference: (ref: { idNumber: string }) => ({ idNumber: ref.idNumber }),
          // an analyst's key comes masked from the hub (500101********123X): not a person this court can name
          judgments: (p: { idNumber: string }) => (p.idNumber.includes('*') ? [] : judgmentsOf(p.idNumber)),
        },
      } as never,
    },
  ]);
}

if (require.main === module) {
  const server = new ApolloServer({ schema: judgmentsSchema(), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  void startStandaloneServer(server, { listen: { port: Number(process.env.PORT ?? 4200), host: '127.0.0.1' } }).then(({ url }) =>
    process.stdout.write(`court judgments subgraph at ${url}\n`),
  );
}
