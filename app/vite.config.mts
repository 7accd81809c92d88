// The workbench's build (docs/workbench.md): `npm run build` runs it into dist/app, which the hub serves at /app.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/app/',
  // no request leaves the hub: every asset is bundled, nothing is fetched from a CDN
  build: {
    outDir: fileURLToPath(new URL('../dist/app', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // the charts are their own chunk, loaded by the pages that draw one
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // Ant Design's modules start with "use client" (a React Server Components marker): meaningless in a bundle
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  // `npm run app:dev`: the page from sources, GraphQL and /app/*.json from a hub on :4000
  server: {
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:4000', ws: true },
      '/app/config.json': 'http://127.0.0.1:4000',
      '/app/dev-session': 'http://127.0.0.1:4000',
      '/export': 'http://127.0.0.1:4000',
    },
  },
});
