/**
 * The GraphQL IDE (GraphiQL 3), served entirely from the hub's own files: the hub runs on networks
 * without internet, so nothing may come from a CDN. The UMD builds of React 18 and GraphiQL 3 are
 * served straight from node_modules. Subscriptions run in it too, over the hub's WebSocket.
 */
import path from 'node:path';
import express, { type Express, type Request, type Router } from 'express';
import { GRAPHQL_PATH } from '../paths';

const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
const ASSETS: Record<string, string> = {
  'react.js': path.join(packageDir('react'), 'umd/react.production.min.js'),
  'react-dom.js': path.join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
  'graphiql.js': path.join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.css': path.join(packageDir('graphiql'), 'graphiql.min.css'),
};

export const EXAMPLE_QUERY = `# 一人一档: one person's records in every domain.
# Try an ID number from the demo data: query { detentionRecords(first: 1) { edges { node { person { idNumber } } } } }
query Dossier($idNumber: IdNumber!) {
  person(idNumber: $idNumber) {
    idNumber name gender birthDate region { code name }
    detentions { totalCount edges { node { facility { name } stage admittedAt releasedAt } } }
    imprisonments { totalCount edges { node { prison { name } crime sentence { kind termMonths } status } } }
    corrections { totalCount edges { node { office { name } correctionType status } } }
    enforcementCases { totalCount edges { node { agency { name } category amountInvolved status } } }
  }
}`;

function page(graphqlPath: string, defaultQuery: string, defaultVariables: string): string {
  const config = JSON.stringify({ url: graphqlPath, query: defaultQuery, variables: defaultVariables }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>检察监督数据枢纽 · GraphQL IDE</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${graphqlPath}/ide/graphiql.css">
<style>html, body, #ide { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="ide">Loading the IDE…</div>
<script src="${graphqlPath}/ide/react.js"></script>
<script src="${graphqlPath}/ide/react-dom.js"></script>
<script src="${graphqlPath}/ide/graphiql.js"></script>
<script>
  (function () {
    var config = ${config};
    // A token may come in the URL fragment (#token=…&purpose=…): never sent to the server, never logged.
    var params = new URLSearchParams(location.hash.slice(1));
    var headers = { Authorization: 'Bearer ' + (params.get('token') || '<a token: npm run token -- --role ANALYST>') };
    // a browser refuses a header outside Latin-1: a purpose in Chinese goes percent-encoded (docs/security.md)
    if (params.get('purpose')) headers['X-Purpose'] = /^[ -~]*$/.test(params.get('purpose')) ? params.get('purpose') : encodeURIComponent(params.get('purpose'));
    // subscriptions over WebSocket on the same path (graphql-ws, bundled in GraphiQL): the headers
    // above go as the connection parameters, where the hub reads the token and the purpose
    var fetcher = GraphiQL.createFetcher({
      url: config.url,
      subscriptionUrl: (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + config.url,
    });
    var root = ReactDOM.createRoot(document.getElementById('ide'));
    root.render(React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.query,
      query: config.query,
      variables: config.variables,
      defaultEditorToolsVisibility: 'variables',
      headers: JSON.stringify(headers, null, 2),
      shouldPersistHeaders: false,
    }));
  })();
</script>
</body>
</html>`;
}

/** Whether a GET is a browser asking for a page rather than a client asking for GraphQL. */
export function wantsIde(req: Request): boolean {
  if (req.method !== 'GET' || req.query.query !== undefined) return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

export function ideRouter(graphqlPath: string, exampleIdNumber: () => Promise<string | undefined>): Router {
  const router = express.Router();
  router.get(`${graphqlPath}/ide/:asset`, (req, res) => {
    const file = ASSETS[req.params.asset];
    if (!file) {
      res.status(404).end();
      return;
    }
    res.sendFile(file, { maxAge: '1d', immutable: false });
  });
  router.get(graphqlPath, async (req, res, next) => {
    if (!wantsIde(req)) {
      next();
      return;
    }
    const id = await exampleIdNumber().catch(() => undefined);
    res.type('html').setHeader('Cache-Control', 'no-store');
    res.send(page(graphqlPath, EXAMPLE_QUERY, JSON.stringify({ idNumber: id ?? '50010119900101123X' }, null, 2)));
  });
  return router;
}

/** Mounts the IDE on /graphql; it opens with a dossier query for a person who exists (the first one found, then remembered). */
export function mountIde(app: Express, findExample: () => Promise<string | undefined>): void {
  let exampleId: string | undefined;
  app.use(
    ideRouter(GRAPHQL_PATH, async () => {
      exampleId ??= await findExample();
      return exampleId;
    }),
  );
}
