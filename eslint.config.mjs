// ESLint for the hub: `npm run lint` (see docs/development.md).
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * The layers, top first. A file may import from its own layer and from the layers below it, never from
 * one above. test/, bench/, scripts/ and examples/ are in no layer: they may import anything. app/ (the
 * workbench, a browser bundle) is in none either, and the hub imports nothing from it.
 */
export const LAYERS = [
  { name: 'server', files: ['server/**'] },
  { name: 'resolvers', files: ['resolvers/**'] },
  { name: 'datasources/request', files: ['datasources/request/**'] },
  { name: 'datasources (index, seed)', files: ['datasources/*.ts'] },
  { name: 'datasources/services', files: ['datasources/services/**'] },
  { name: 'datasources/sources', files: ['datasources/sources/**'] },
  { name: 'datasources/store', files: ['datasources/store/**'] },
  { name: 'domain', files: ['domain/**'] },
  { name: 'lib', files: ['lib/**'] },
];
const OUTSIDE_LAYERS = ['test/**', 'bench/**', 'scripts/**', 'examples/**', 'app/**'];

/** One zone per layer: its files may import from no layer above it, nor from the folders outside the layers. */
const layerZones = LAYERS.map((layer, i) => {
  const above = LAYERS.slice(0, i);
  return {
    target: layer.files,
    from: [...above.flatMap((l) => l.files), ...OUTSIDE_LAYERS],
    message: above.length
      ? `${layer.name} sits below ${above.map((l) => l.name).join(', ')}: imports only run downwards (docs/development.md).`
      : 'the hub imports nothing from test/, bench/, scripts/, examples/ or app/ (docs/development.md).',
  };
});

export const IGNORES = [
  'dist/**',
  'coverage/**',
  '.data/**',
  '.tools/**',
  'node_modules/**',
  'resolvers/__generated__/**',
  'app/src/gql/**',
  'bench/results/**',
  'bench/data/**',
];

export default tseslint.config(
  { ignores: IGNORES },
  { files: ['**/*.ts'], extends: [js.configs.recommended, ...tseslint.configs.recommended] },
  // the workbench (app/): the same rules, and React's rules of hooks
  {
    files: ['app/**/*.tsx'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // `any` marks the boundaries with mongoose, the driver and graphql-js on purpose; strict tsc already forbids implicit any.
      '@typescript-eslint/no-explicit-any': 'off',
      // `_name` and rest siblings (`const { _id, ...rest } = doc`) are the code's way of dropping a field.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // The text checks (domain/text.ts, auth, audit) match control characters on purpose, to refuse or strip them.
      'no-control-regex': 'off',
    },
  },
  {
    // The hub logs through lib/logger (structured, with the personal fields redacted), never to the console.
    files: ['server/**', 'resolvers/**', 'datasources/**', 'domain/**', 'lib/**'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json', '.node'] })] },
    rules: { 'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones }] },
  },
);
