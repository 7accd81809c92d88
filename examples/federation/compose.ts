/**
 * Composes the hub's subgraph with the example judgments subgraph into a supergraph (Federation 2, with
 * The Guild's open-source composition library), and writes it for the gateway.
 *
 *   npx tsx examples/federation/compose.ts [--hub http://localhost:4000/graphql] [--judgments http://127.0.0.1:4200/]
 *       [--out examples/federation/supergraph.graphql]
 *
 * The hub's SDL is the one this checkout builds (`buildHubSchema({ federation: true })`), so a change
 * to the hub's SDL that breaks composition fails here, and in `test/federation-gateway.test.ts` (CI).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { printSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { buildHubSchema } from '../../server/schema';
import { JUDGMENTS_SDL } from './judgments';

/** The supergraph SDL, or the composition's errors as one message. */
export function composeSupergraph(urls: { hub: string; judgments: string }): string {
  const result = composeServices([
    { name: 'hub', typeDefs: parse(printSubgraphSchema(buildHubSchema({ federation: true }))), url: urls.hub },
    { name: 'judgments', typeDefs: parse(JUDGMENTS_SDL), url: urls.judgments },
  ]);
  if (result.errors) throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      hub: { type: 'string', default: 'http://localhost:4000/graphql' },
      judgments: { type: 'string', default: 'http://127.0.0.1:4200/' },
      out: { type: 'string', default: 'examples/federation/supergraph.graphql' },
    },
  });
  fs.writeFileSync(values.out, composeSupergraph({ hub: values.hub, judgments: values.judgments }));
  process.stdout.write(`supergraph written to ${values.out}\n`);
}
