import fs from 'node:fs';
import { FERRETDB_BIN, startTestStore } from './store-setup';

export default async function globalSetup(): Promise<void> {
  if (!process.env.TEST_MONGODB_URI && !fs.existsSync(FERRETDB_BIN)) {
    throw new Error(`The tests need FerretDB at ${FERRETDB_BIN}: run \`npm run setup\` first.`);
  }
  const store = await startTestStore();
  (globalThis as any).__hubTestStore = store;
  process.env.HUB_TEST_URI = store.uri;
  process.env.HUB_TEST_STORE_KIND = store.kind;
  if (store.postgresUrl) process.env.HUB_TEST_PG_URL = store.postgresUrl;
}
