import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { THEME_BOOT_SCRIPT } from './src/shared/theme.js';

const at = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

// Two builds: the browser's (dist/web) and the server's renderer of the
// public pages (`--ssr`, dist/ssr/ssr.js, everything bundled in, so the
// server needs none of the web's packages at run time).
export default defineConfig(({ isSsrBuild }) => ({
  root: at('./src/web'),
  plugins: [
    react(),
    {
      // The remembered theme, applied before the first paint; the server allows this script by its hash.
      name: 'faro-theme-boot',
      transformIndexHtml: () => [{ tag: 'script', children: THEME_BOOT_SCRIPT, injectTo: 'head-prepend' }],
    },
  ],
  build: isSsrBuild
    ? {
        outDir: at('./dist/ssr'),
        emptyOutDir: true,
        sourcemap: true,
        target: 'node20',
        copyPublicDir: false,
        rollupOptions: { input: at('./src/web/ssr.tsx') },
      }
    : {
        outDir: at('./dist/web'),
        emptyOutDir: true,
        sourcemap: true,
        target: 'es2022',
      },
  ssr: { noExternal: true },
  // The pages are written against React's API and run on Preact (preact/compat), in the browser and
  // in the server's renderer alike (the same ids from useId on both sides): a tenth of react-dom's
  // size, which is what keeps a cheap phone's report form under its script budget (issue 14).
  resolve: {
    alias: [
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react-dom\/server$/, replacement: 'preact/compat/server' },
      { find: /^react-dom$/, replacement: 'preact/compat' },
      { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
      { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
      { find: /^react$/, replacement: 'preact/compat' },
    ],
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
}));
