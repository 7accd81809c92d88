/** Server processes the benchmark starts (the hub, the baselines) and what it watches of them. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../server/paths';

export interface Server {
  name: string;
  /** its base URL (the harness may rewrite the host) */
  url: string;
  pid: number;
  /** resident set size now, in MiB (from /proc) */
  rssMb(): number;
  /** highest resident set size since start, in MiB (VmHWM) */
  peakRssMb(): number;
  /** the last lines it wrote to stderr (shown when it fails) */
  stderrTail(): string;
  stop(): Promise<void>;
}

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/**
 * Starts `node <args>` and waits until it prints `ready` (a regex whose first group is the URL) on
 * stdout, or fails with its stderr. Node is started directly (not through npm) so that the pid is
 * the server's and its memory is what /proc reports.
 */
export async function startServer(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 600_000,
  waiting?: (seconds: number) => void,
): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const since = Date.now();
    const tick = waiting ? setInterval(() => waiting(Math.round((Date.now() - since) / 1000)), 60_000) : undefined;
    const timer = setTimeout(() => {
      clearInterval(tick);
      child.kill('SIGTERM');
      reject(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${stderr}`));
    }, timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      const m = ready.exec(stdout);
      if (m) {
        clearTimeout(timer);
        clearInterval(tick);
        resolve(m[1]);
      }
      if (stdout.length > 100_000) stdout = stdout.slice(-10_000);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(tick);
      reject(new Error(`${name} exited with code ${code} before it was ready:\n${stderr}`));
    });
  });
  child.stdout!.resume();
  const pid = child.pid!;
  return {
    name,
    url,
    pid,
    rssMb: () => procStatus(pid, 'VmRSS'),
    peakRssMb: () => procStatus(pid, 'VmHWM'),
    stderrTail: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Arguments that run a TypeScript file of bench/ with tsx's loader (the baselines are not compiled). */
export function tsArgs(file: string, ...rest: string[]): string[] {
  return ['--import', 'tsx', path.join(projectRoot, file), ...rest];
}

/** Samples a process's RSS every 200 ms; `stop()` returns the highest sample in MiB. */
export function watchRss(server: Server): { stop(): number } {
  let peak = server.rssMb();
  const t = setInterval(() => {
    peak = Math.max(peak, server.rssMb());
  }, 200);
  return {
    stop: () => {
      clearInterval(t);
      return Math.max(peak, server.rssMb());
    },
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat; 0 once it is gone. */
function cpuMs(pid: number | string): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;

/** CPU time so far of every process whose command name is `comm` (e.g. all PostgreSQL backends). */
function cpuMsOfCommand(comm: string): number {
  let sum = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) sum += cpuMs(pid);
    } catch {
      /* gone meanwhile */
    }
  }
  return sum;
}

export interface CpuShare {
  contender: number;
  ferretdb: number;
  postgres: number;
}

/**
 * Where the machine's CPU goes during one load: the contender's process, FerretDB and PostgreSQL
 * (every backend), so that a latency ratio can be read against the work each side costs. On a
 * machine whose two cores are busy, milliseconds of CPU per request decide throughput.
 * Backends that end during the window take their time with them (FerretDB keeps its pool open).
 */
export function watchCpu(server: Pick<Server, 'pid'>): { stop(requests: number): CpuShare | undefined } {
  const read = (): CpuShare => ({
    contender: cpuMs(server.pid),
    ferretdb: cpuMsOfCommand('ferretdb'),
    postgres: cpuMsOfCommand('postgres'),
  });
  const start = read();
  return {
    stop: (requests) => {
      if (requests <= 0) return undefined;
      const end = read();
      const per = (k: keyof CpuShare) => Math.round(((end[k] - start[k]) / requests) * 100) / 100;
      return { contender: per('contender'), ferretdb: per('ferretdb'), postgres: per('postgres') };
    },
  };
}
