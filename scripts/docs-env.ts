// Writes the environment reference (from src/server/config-catalogue.ts) into docs/DEPLOY.md.
import { readFile, writeFile } from 'node:fs/promises';
import { withEnvReference } from '../src/server/config-catalogue.js';

const page = new URL('../docs/DEPLOY.md', import.meta.url);
const before = await readFile(page, 'utf8');
const after = withEnvReference(before);
await writeFile(page, after);
console.log(
  before === after ? 'docs/DEPLOY.md: already current.' : 'docs/DEPLOY.md: environment reference written.',
);
