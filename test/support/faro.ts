import type { Writable } from 'node:stream';
import type { Resolve } from '../../src/server/outbound/outbound.js';
import type { Faro } from '../../src/server/runtime.js';
import { createFaro } from '../../src/server/runtime.js';
import { createTestDatabase, type TestDatabase, testConfig } from './db.js';
import { freePort } from './process.js';

export interface TestFaro {
  faro: Faro;
  db: TestDatabase;
  /** Base URL when started with `listen: true`. */
  baseUrl: string;
  /** The clock this Faro runs on (the test's, when it moves one): sessions made for it use it too. */
  now: () => Date;
  stop(): Promise<void>;
}

/** A whole Faro (HTTP app, realtime hub, job queue) on a fresh test database. */
export async function startTestFaro(
  options: {
    listen?: boolean;
    env?: Record<string, string>;
    logStream?: Writable;
    db?: TestDatabase;
    now?: () => Date;
    /** How outbound requests resolve names (a hostile DNS answer, for instance). */
    resolve?: Resolve;
    /** false: a web-only process (no job workers, no grouper). */
    work?: boolean;
  } = {},
): Promise<TestFaro> {
  const db = options.db ?? (await createTestDatabase());
  // A listening server's public address is where the tests reach it (the SMS webhook's signature covers it).
  const port = options.listen ? await freePort() : undefined;
  const listening: Record<string, string> = port
    ? { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` }
    : {};
  const config = testConfig({ WEB_DIST_DIR: '/nonexistent', ...listening, ...options.env });
  const faro = await createFaro(config, {
    database: db.database,
    logStream: options.logStream,
    now: options.now,
    resolve: options.resolve,
    work: options.work,
  });
  let baseUrl = '';
  if (options.listen) {
    await faro.app.listen({ host: '127.0.0.1', port: port ?? 0 });
    const address = faro.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    baseUrl = `http://127.0.0.1:${address.port}`;
  }
  return {
    faro,
    db,
    baseUrl,
    now: options.now ?? (() => new Date()),
    async stop() {
      await faro.stop();
      if (!options.db) {
        await db.database.close();
        await db.drop();
      }
    },
  };
}
