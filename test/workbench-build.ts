/** The workbench built for a test: Vite into a folder of the test's own (no earlier `npm run build` needed). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../server/paths';

export function buildWorkbench(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-workbench-'));
  const vite = path.join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  // test files build side by side, each into its own folder: Vite's one-build-per-project lock would refuse the second
  const args = [vite, 'build', '-c', 'app/vite.config.mts', '--outDir', out, '--logLevel', 'error', '--bypass-lock'];
  const r = spawnSync(process.execPath, args, {
    cwd: projectRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the workbench did not build: ${r.stderr || r.stdout}`);
  return out;
}
