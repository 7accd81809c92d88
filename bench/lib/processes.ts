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
export async function startServer(name: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 600_000): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, args, { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString('utf8')).slice(-4000); });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${stderr}`)), timeoutMs);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
      const m = ready.exec(stdout);
      if (m) { clearTimeout(timer); resolve(m[1]); }
      if (stdout.length > 100_000) stdout = stdout.slice(-10_000);
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited with code ${code} before it was ready:\n${stderr}`)); });
  });
  child.stdout!.resume();
  const pid = child.pid!;
  return {
    name, url, pid,
    rssMb: () => procStatus(pid, 'VmRSS'),
    peakRssMb: () => procStatus(pid, 'VmHWM'),
    stderrTail: () => stderr,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => { clearTimeout(kill); resolve(); });
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
  const t = setInterval(() => { peak = Math.max(peak, server.rssMb()); }, 200);
  return { stop: () => { clearInterval(t); return Math.max(peak, server.rssMb()); } };
}
