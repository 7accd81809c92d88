/**
 * `npm run audit:verify`: recomputes the audit trail's hash chain and names the first entry that
 * was edited, deleted or inserted. Exit code 0 when the chain holds, 1 when it is broken.
 * Uses MONGODB_URI, or the running hub's embedded store.
 */
import { loadConfig } from '../server/config';
import { isPortOpen } from '../datasources/store/embedded/ferretdb';
import { connectStore } from '../datasources/store/connection';
import { verifyAuditChain } from '../datasources/services/audit';

async function main() {
  const config = loadConfig();
  let uri = config.MONGODB_URI;
  if (!uri) {
    if (!(await isPortOpen(config.FERRETDB_PORT)))
      throw new Error(`no store: set MONGODB_URI, or start the hub (its embedded store listens on ${config.FERRETDB_PORT})`);
    uri = `mongodb://127.0.0.1:${config.FERRETDB_PORT}/`;
  }
  const connection = await connectStore({ uri, dbName: config.MONGODB_DB, timeoutMs: config.STORE_TIMEOUT_MS });
  try {
    const check = await verifyAuditChain(connection, (n) => process.stdout.write(`checked ${n} entries…\n`));
    if (check.ok) {
      process.stdout.write(`audit chain holds: ${check.entries} entries\n`);
    } else {
      process.stdout.write(`audit chain BROKEN at entry ${check.broken!.id}: ${check.broken!.reason}\n`);
      process.exitCode = 1;
    }
  } finally {
    await connection.close();
  }
}

main().catch((e) => {
  process.stderr.write(`audit:verify: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
