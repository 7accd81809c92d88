/**
 * Two projects, both run by `npm test` (docs/development.md):
 * - unit: pure domain, lib and parsing tests; no store, no HTTP server. `npm run test:unit` runs them alone,
 *   in seconds and without FerretDB: the store is started by the integration project's globalSetup, which
 *   Jest runs only when at least one test of that project is selected.
 * - integration: every other test file; they start a hub, a department's server or talk to the store.
 * A new test file is an integration test unless it is named in UNIT_TESTS.
 */
const UNIT_TESTS = [
  'bench-report.test.ts',
  'calendar.test.ts',
  'document-deadlines.test.ts',
  'id-number.test.ts',
  'ledger-unit.test.ts',
  'lint-layers.test.ts',
  'quality-unit.test.ts',
  'record-domains.test.ts',
  'rules-synthetic.test.ts',
  'rules.test.ts',
  'schema.test.ts',
  'synthetic.test.ts',
];

const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  maxWorkers: 2,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: UNIT_TESTS.map((f) => `<rootDir>/test/${f}`),
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...UNIT_TESTS.map((f) => `/test/${escape(f)}$`)],
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
};
