import { describe, expect, it } from 'vitest';
import { packagesImportedBy } from './support/cli-imports.js';

/**
 * `faro --help` and a command's mistakes are answered in a blink: the CLI loads the
 * server, the database drivers and the heavy libraries inside the commands that use
 * them (issue 19). Speed itself is measured by `npm run bench -- start`; this only
 * keeps the heavy imports out of the CLI's first load, whoever adds one back.
 */
const HEAVY = [
  // zod too: the configuration and the schemas load with the command that reads them.
  'zod',
  '@simplewebauthn/server',
  'sharp',
  'pg-boss',
  'pg',
  '@electric-sql/pglite',
  'drizzle-orm',
  'fastify',
  'libsodium-wrappers',
  '@node-rs/argon2',
  'pdfkit',
  'nodemailer',
];

describe('the CLI first loads', () => {
  it('no server and no heavy library for --help', async () => {
    const loaded = await packagesImportedBy(['--help']);
    // The recorder works: commander is what --help does need.
    expect(loaded).toContain('commander');
    const heavy = loaded.filter((name) => HEAVY.some((lib) => name === lib || name.startsWith(`${lib}/`)));
    expect(heavy).toEqual([]);
  });
});
