import fs from 'node:fs';
import path from 'node:path';

/** The folder with package.json, whether running from sources (tsx, jest) or from dist/. */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'schema'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the hub's root above ${start}`);
  }
}

export const projectRoot = findRoot(__dirname);
export const schemaDir = path.join(projectRoot, 'schema');

/** Where GraphQL is served (and the IDE, for browsers). */
export const GRAPHQL_PATH = '/graphql';
