/**
 * The layer rule in eslint.config.mjs: an import that runs back up the layers fails the lint, one that
 * runs down passes. ESLint's Node API lints a small file as if it stood in datasources/store/ (nothing
 * is written to the tree), with the project's own config.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const LAYER_RULE = 'import-x/no-restricted-paths';

/**
 * ESLint loads eslint.config.mjs with a dynamic import, which Jest's module sandbox refuses without
 * --experimental-vm-modules, so the Node API runs in a plain child process: the probes go in on stdin
 * (as [file, code] pairs), the messages of the layer rule come back as JSON, one list per probe.
 */
const RUN_PROBES = `
const { ESLint } = require('eslint');
const path = require('node:path');
let input = '';
process.stdin.on('data', (d) => { input += d; }).on('end', async () => {
  const eslint = new ESLint({ cwd: process.cwd(), ruleFilter: ({ ruleId }) => ruleId === ${JSON.stringify(LAYER_RULE)} });
  const out = [];
  for (const [file, code] of JSON.parse(input)) {
    const [result] = await eslint.lintText(code, { filePath: path.join(process.cwd(), file) });
    out.push(result.messages.map((m) => (m.ruleId ?? 'fatal') + ': ' + m.message));
  }
  process.stdout.write(JSON.stringify(out));
});
`;

function layerErrors(...probes: [file: string, code: string][]): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['-e', RUN_PROBES], { cwd: root, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as string[][]);
    });
    child.stdin!.end(JSON.stringify(probes));
  });
}

const PROBES = {
  upward: ['datasources/store/layer-probe.ts', "import { newLead } from '../services/leads';\nexport const lead = newLead;\n"],
  upwardTypeOnly: ['datasources/store/layer-probe.ts', "import type { LeadDoc } from '../services/leads';\nexport type Lead = LeadDoc;\n"],
  domainReExportsServer: ['domain/layer-probe.ts', "export { loadTypeDefs } from '../server/app';\n"],
  libImportsDomain: ['lib/layer-probe.ts', "import { DOMAINS } from '../domain/records';\nexport const all = DOMAINS;\n"],
  servicesImportWiring: ['datasources/services/layer-probe.ts', "import { seed } from '../seed';\nexport const s = seed;\n"],
  serverImportsTest: ['server/layer-probe.ts', "import { startTestHub } from '../test/helpers';\nexport const start = startTestHub;\n"],
  downward: [
    'datasources/store/layer-probe.ts',
    "import { DOMAINS } from '../../domain/records';\nimport { createLogger } from '../../lib/logger';\nimport type { Models } from './models';\n" +
      'export const all = [DOMAINS, createLogger] as const;\nexport type M = Models;\n',
  ],
  testImportsServer: ['test/layer-probe.ts', "import { createHub } from '../server/app';\nexport const hub = createHub;\n"],
} satisfies Record<string, [string, string]>;

describe('the layer rule (eslint.config.mjs)', () => {
  const errors: Partial<Record<keyof typeof PROBES, string[]>> = {};
  beforeAll(async () => {
    const names = Object.keys(PROBES) as (keyof typeof PROBES)[];
    const results = await layerErrors(...names.map((n) => PROBES[n]));
    names.forEach((n, i) => {
      errors[n] = results[i];
    });
  }, 60_000);

  it('fails an import from datasources/store up into datasources/services', () => {
    expect(errors.upward).toEqual([
      expect.stringMatching(
        /^import-x\/no-restricted-paths: Unexpected path "\.\.\/services\/leads" imported in restricted zone\. datasources\/store sits below .*datasources\/services/,
      ),
    ]);
  });

  it('fails a type-only import that runs up just the same', () => {
    expect(errors.upwardTypeOnly).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*datasources\/store sits below/)]);
  });

  it('fails a re-export from the server in domain, lib importing domain, services importing the wiring, and the hub importing from test/', () => {
    expect(errors.domainReExportsServer).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*domain sits below/)]);
    expect(errors.libImportsDomain).toEqual([expect.stringMatching(/^import-x\/no-restricted-paths: .*lib sits below/)]);
    expect(errors.serverImportsTest).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*the hub imports nothing from test\//),
    ]);
    expect(errors.servicesImportWiring).toEqual([
      expect.stringMatching(/^import-x\/no-restricted-paths: .*datasources\/services sits below .*datasources \(index, seed\)/),
    ]);
  });

  it('passes imports that run down or stay in the layer, and any import from test/', () => {
    expect(errors.downward).toEqual([]);
    expect(errors.testImportsServer).toEqual([]);
  });
});
