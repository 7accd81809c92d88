// The promise rules, which need TypeScript's type information: `npm run lint:promises` (run by CI).
// They are kept out of `npm run lint` because building the type information takes about 3.5 times the
// CPU of the rest of the lint (~46 s against ~13 s on this code), while these two rules are all it buys.
import tseslint from 'typescript-eslint';
import { IGNORES } from './eslint.config.mjs';

export default tseslint.config(
  { ignores: IGNORES },
  {
    files: ['**/*.ts', 'app/**/*.tsx'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      // a promise nobody awaits or catches: its rejection is unhandled and ends the process
      '@typescript-eslint/no-floating-promises': 'error',
      // an async function where a callback's result is ignored (an event handler, a timer, forEach)
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
