/**
 * A real gateway in front of the supergraph: Hive Gateway's runtime (MIT), on Node's HTTP server. It
 * passes each caller's `Authorization` and `X-Purpose` to the subgraphs, so the hub checks the end
 * caller exactly as for a direct call (docs/federation.md). With HUB_GATEWAY_KEY set (npm run
 * gateway-key), it also proves itself to the hub with `X-Gateway-Key`, and the hub's audit names it.
 *
 *   HUB_GATEWAY_KEY=… npx tsx examples/federation/gateway.ts [--supergraph examples/federation/supergraph.graphql] [--port 4300]
 */
import fs from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';

const { values } = parseArgs({
  options: {
    supergraph: { type: 'string', default: 'examples/federation/supergraph.graphql' },
    port: { type: 'string', default: '4300' },
  },
});

const hubKey = process.env.HUB_GATEWAY_KEY;

const gateway = createGatewayRuntime({
  supergraph: fs.readFileSync(values.supergraph, 'utf8'),
  // the gateway's own page would load assets from a CDN: off (nothing leaves the network)
  graphiql: false,
  landingPage: false,
  propagateHeaders: {
    fromClientToSubgraphs: ({ request, subgraphName }) => ({
      authorization: request.headers.get('authorization'),
      'x-purpose': request.headers.get('x-purpose'),
      // the gateway's own key goes to the hub only: other subgraphs have no use for it
      ...(hubKey && subgraphName.toLowerCase() === 'hub' ? { 'x-gateway-key': hubKey } : {}),
    }),
  },
});

// the runtime answers a request with a promise; Node's server only needs it called
const server = createServer((req, res) => void gateway(req, res));
server.listen(Number(values.port), '127.0.0.1', () => process.stdout.write(`gateway at http://127.0.0.1:${values.port}/graphql\n`));
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    server.close();
    void gateway.dispose();
  });
