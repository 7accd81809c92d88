/**
 * The embedded store: a FerretDB 1.24 process started and stopped with the hub (or the tests).
 * PostgreSQL backend (backend.ts chooses the server), or SQLite in a data folder.
 * If the process dies, it is started again (with backoff) so the hub recovers by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../../lib/logger';

export interface EmbeddedStoreOptions {
  bin: string;
  port: number;
  /** SQLite data folder (`handler: 'sqlite'`) */
  dataDir?: string;
  handler?: 'sqlite' | 'postgresql';
  /** `postgres://…/db` for the PostgreSQL backend */
  postgresUrl?: string;
  logger?: Logger;
  /** restart FerretDB when it exits unexpectedly (default true) */
  supervise?: boolean;
  /** FerretDB's HTTP address for /debug/metrics (the benchmark counts store commands there); off by default */
  debugAddr?: string;
}

export interface EmbeddedStore {
  uri: string;
  port: number;
  /** stops FerretDB (and its supervision) */
  stop(): Promise<void>;
  /** kills the process without restarting it (tests use it to take the store down) */
  kill(): Promise<void>;
  /** starts it again after `kill` */
  restart(): Promise<void>;
}

export class MissingFerretDBError extends Error {
  constructor(bin: string) {
    super(
      `FerretDB is not installed at ${bin}. Run \`npm run setup\` once (it builds FerretDB v1.24.2 with Go), or set MONGODB_URI to use your own MongoDB or FerretDB.`,
    );
    this.name = 'MissingFerretDBError';
  }
}

export async function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedStore(options: EmbeddedStoreOptions): Promise<EmbeddedStore> {
  const { bin, port, logger } = options;
  if (!fs.existsSync(bin)) throw new MissingFerretDBError(bin);
  const handler = options.handler ?? 'sqlite';
  const stateDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ferretdb-state-'));
  fs.mkdirSync(stateDir, { recursive: true });
  const args = [
    `--handler=${handler}`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${stateDir}`,
    '--telemetry=disable',
    `--debug-addr=${options.debugAddr ?? '-'}`,
    '--log-level=warn',
    '--log-format=json',
  ];
  if (handler === 'sqlite') {
    const sqliteDir = path.join(stateDir, 'sqlite');
    fs.mkdirSync(sqliteDir, { recursive: true });
    args.push(`--sqlite-url=file:${sqliteDir}/`);
  } else {
    if (!options.postgresUrl) throw new Error('postgresUrl is required for the PostgreSQL backend');
  }
  // The PostgreSQL URL goes in the environment, not the arguments, which every local user can read (ps).
  const env =
    options.postgresUrl && handler === 'postgresql' ? { ...process.env, FERRETDB_POSTGRESQL_URL: options.postgresUrl } : process.env;
  const pidFile = path.join(stateDir, 'ferretdb.pid');
  await stopStale(pidFile, stateDir, logger);
  if (await isPortOpen(port)) {
    throw new Error(
      `port ${port} on 127.0.0.1 is already in use: is another hub running? Set FERRETDB_PORT to another port, or MONGODB_URI to use that store.`,
    );
  }

  let child: ChildProcess | undefined;
  let stopping = false;
  let killed = false;
  let restarts = 0;
  let stderrTail = '';

  const launch = async (): Promise<void> => {
    stderrTail = '';
    const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    child = proc;
    if (proc.pid) fs.writeFileSync(pidFile, String(proc.pid));
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString()).slice(-4000);
    });
    proc.once('exit', (code, signal) => {
      if (child === proc) child = undefined;
      if (stopping || killed || options.supervise === false) return;
      logger?.error({ code, signal, stderr: stderrTail.slice(-500) }, 'embedded FerretDB exited; restarting it');
      const delay = Math.min(5000, 200 * 2 ** Math.min(restarts++, 5));
      setTimeout(() => {
        if (!stopping && !killed) launch().catch((e) => logger?.error({ err: e }, 'FerretDB restart failed'));
      }, delay).unref();
    });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`FerretDB exited with code ${proc.exitCode}: ${stderrTail.trim().slice(-1000)}`);
      if (await isPortOpen(port)) {
        restarts = 0;
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    proc.kill('SIGKILL');
    throw new Error(`FerretDB did not listen on 127.0.0.1:${port} within 20 s: ${stderrTail.trim().slice(-1000)}`);
  };

  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        proc.kill('SIGKILL');
      }, 5000);
      proc.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      proc.kill(signal);
    });
  };

  await launch();
  logger?.info({ handler, port, dataDir: handler === 'sqlite' ? stateDir : undefined }, 'embedded FerretDB started');
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    port,
    stop: async () => {
      stopping = true;
      await terminate('SIGTERM');
      fs.rmSync(pidFile, { force: true });
    },
    kill: async () => {
      killed = true;
      await terminate('SIGKILL');
    },
    restart: async () => {
      killed = false;
      await launch();
    },
  };
}

/**
 * A FerretDB left running by a hub that was killed (SIGKILL gives it no chance to stop its child)
 * still holds the port and the data folder: stop it, but only if it is our FerretDB on our folder.
 */
async function stopStale(pidFile: string, stateDir: string, logger?: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8'));
  } catch {
    return;
  }
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    /* not running (or not Linux) */
  }
  if (!cmdline.includes('ferretdb') || !cmdline.includes(`--state-dir=${stateDir}`)) {
    fs.rmSync(pidFile, { force: true });
    return;
  }
  logger?.warn({ pid }, 'stopping a FerretDB left running by an earlier hub');
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      fs.rmSync(pidFile, { force: true });
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  process.kill(pid, 'SIGKILL');
  fs.rmSync(pidFile, { force: true });
}
