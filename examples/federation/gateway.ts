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
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';

const { values } = parseArgs({
  options: {
    supergraph: { type: 'string', default: 'examples/federation/supergraph.graphql' },
    port: { type: 'string', default: '4300' },
  },
});

const hubKey = process.env.HUB_GATEWAY_KEY;

type SubgraphError = { message: string; extensions?: Record<string, unknown> };

/**
 * The hub answers with a person's records from every source that answered and one SOURCE_UNAVAILABLE
 * error per live source that did not. The gateway's merging keeps a subgraph's errors only where the
 * data is null, and this one sits beside data: without this plugin the caller would get the person
 * with records missing and no word of it. The plugin notes such errors as the hub sends them and adds
 * them (once per source, without the subgraph's paths, which name its query, not the caller's) to the
 * caller's answer.
 */
const keepSourceWarnings = (): GatewayPlugin => {
  const warnings = new WeakMap<object, Map<string, SubgraphError>>();
  return {
    onSubgraphExecute({ executionRequest }) {
      const context = executionRequest.context as object | undefined;
      return ({ result }) => {
        if (!context || Symbol.asyncIterator in result) return;
        for (const e of (result.errors ?? []) as readonly SubgraphError[]) {
          if (e.extensions?.code !== 'SOURCE_UNAVAILABLE') continue;
          const seen = warnings.get(context) ?? new Map<string, SubgraphError>();
          warnings.set(context, seen);
          seen.set(String(e.extensions.sourceId), { message: e.message, extensions: { ...e.extensions } });
        }
      };
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          const seen = warnings.get(args.contextValue as object);
          if (!seen?.size || Symbol.asyncIterator in result) return;
          // as GraphQLErrors: the gateway masks any other error as "Unexpected error."
          const added = [...seen.values()].map((e) => new GraphQLError(e.message, { extensions: e.extensions }));
          setResult({ ...result, errors: [...(result.errors ?? []), ...added] });
        },
      };
    },
  };
};

const gateway = createGatewayRuntime({
  supergraph: fs.readFileSync(values.supergraph, 'utf8'),
  // the gateway's own page would load assets from a CDN: off (nothing leaves the network)
  graphiql: false,
  landingPage: false,
  plugins: () => [keepSourceWarnings()],
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
