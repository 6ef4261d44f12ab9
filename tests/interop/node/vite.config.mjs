// Bundles the browser page (web/) into dist/ (git-ignored). Run by run.sh: `vite build`.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './', // relative asset URLs: the page works from any origin/path
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: false, // readable stack traces in the browser test output
  },
});
