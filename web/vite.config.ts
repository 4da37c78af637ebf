import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// `vite --config web/vite.config.ts` (dev server) proxies the API, the runtime config and the
// local identity provider to a running local stack (`npm start`), so the console is same-origin.
const backend = process.env.OPSC_DEV_BACKEND ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Cloudscape is most of the bundle; it is one app for signed-in operators, not a landing page.
    chunkSizeWarningLimit: 2048,
    rolldownOptions: {
      onLog(level, log, handler) {
        // Cloudscape marks its modules 'use client' for React Server Components; meaningless in an SPA.
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      output: {
        // Vendor code in its own chunks, so a console change does not make browsers refetch it.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 3 },
            { name: 'cloudscape', test: /node_modules[\\/]@cloudscape-design[\\/]/, priority: 2 },
            { name: 'vendor', test: /node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/v1': backend,
      '/health': backend,
      '/config.json': backend,
      '/local-idp': backend,
    },
  },
});
