/**
 * What the two GraphQL baselines share: the command line (`--uri --db --port`), a mongoose
 * connection that never writes (no collection or index creation: the data set is shared), the hub's
 * own models, Apollo Server standalone on 127.0.0.1, the `LISTENING <url>` line the harness waits
 * for, and a clean exit 0 on SIGTERM/SIGINT (Apollo's own handler would re-raise the signal).
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { ApolloServer, type ApolloServerOptions, type BaseContext } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createModels, type Models } from '../../datasources/store/models';

export function serveBaseline(name: string, build: (models: Models) => ApolloServerOptions<BaseContext>): void {
  const { values } = parseArgs({ options: { uri: { type: 'string' }, db: { type: 'string' }, port: { type: 'string', default: '0' } } });
  const main = async () => {
    if (!values.uri || !values.db) throw new Error(`${name}: --uri and --db are required`);
    const connection = mongoose.createConnection(values.uri, { dbName: values.db, autoCreate: false, autoIndex: false });
    await connection.asPromise();
    const server = new ApolloServer({
      ...build(createModels(connection)),
      stopOnTerminationSignals: false,
    } as ApolloServerOptions<BaseContext>);
    const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: Number(values.port) } });
    process.stdout.write(`LISTENING ${url.replace('localhost', '127.0.0.1')}\n`);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      try {
        await server.stop();
        await connection.close();
      } finally {
        process.exit(0);
      }
    };
    process.on('SIGTERM', () => void stop());
    process.on('SIGINT', () => void stop());
  };
  main().catch((err) => {
    process.stderr.write(`${name}: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
