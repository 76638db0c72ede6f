import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { type ServerProcess, spawnServer } from '../support/process.js';
import { type DemoAccount, demoAccounts } from './accounts.js';
import { launchChromium } from './browser.js';

export interface E2e {
  server: ServerProcess;
  browser: Browser;
  /** A demo account as the server printed it on its first start. */
  account(role: string): DemoAccount;
  stop(): Promise<void>;
}

/**
 * The built app (`npm run build`) served by the real CLI on a fresh embedded
 * database with demo data, and a Chromium to drive it.
 */
export async function startE2e(env: Record<string, string> = {}): Promise<E2e> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'faro-e2e-'));
  const server = await spawnServer(
    {
      FARO_DATA_DIR: dataDir,
      FARO_DEMO: 'true',
      WEB_DIST_DIR: path.resolve('dist/web'),
      // The browser solves the public form's proof of work, as on a phone.
      REPORT_PROOF_OF_WORK: 'true',
      ...env,
    },
    { args: ['bin/faro.js', 'start'] },
  );
  const browser = await launchChromium();
  return {
    server,
    browser,
    account(role) {
      const found = demoAccounts(server.output()).get(role);
      if (!found) throw new Error(`no demo ${role} in the server's first-start output:\n${server.output()}`);
      return found;
    },
    async stop() {
      await browser.close();
      server.child.kill('SIGTERM');
      await server.exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** No serious or critical WCAG 2.1 A/AA violation on the page (axe). */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
