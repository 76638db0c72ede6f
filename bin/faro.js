#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm run build` (run automatically by `npm install`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/faro.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('Faro is not built yet: run `npm run build` (or `npm install`) first.\n');
  process.exit(1);
}
await import(entry.href);
