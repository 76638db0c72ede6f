import { readFile, writeFile } from 'node:fs/promises';
import { ROLES, type Role } from '../../../shared/access.js';
import { type Config, StartupError } from '../../config.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle } from '../../db/database.js';
import { findTotp } from '../access/factors.repo.js';
import { hashPassword } from '../access/passwords.js';
import { totpCodeAt } from '../access/totp.js';
import { findUserByEmail, setPassword } from '../access/users.repo.js';
import { findCoalitionBySlug } from '../coalitions/coalitions.repo.js';
import { DEMO_COALITION } from './demo-data.js';
import {
  addDemoBasemap,
  type DemoAccount,
  demoEmail,
  demoPassword,
  printDemoAccounts,
  seedDemo,
} from './seed.js';

/**
 * A newcomer who missed the demo accounts printed at the first start gets
 * them again without losing what they made: each demo account gets a new
 * password (a hash cannot be shown again) and its second factor's secret.
 * Demo servers only — the CLI refuses elsewhere, and only the demo
 * coalition's demo accounts are touched.
 */
export async function renewDemoAccounts(database: Database, box: SecretBox): Promise<DemoAccount[]> {
  const renewed: DemoAccount[] = [];
  for (const role of ROLES) {
    const password = demoPassword();
    const passwordHash = await hashPassword(password);
    const account = await database.transaction(async ({ db }) => {
      const user = await demoUser(db, role);
      if (!user) return null;
      await setPassword(db, user.id, passwordHash, new Date());
      return { role, email: user.email, password, totpSecret: await secretOf(db, box, user.id) };
    });
    if (account) renewed.push(account);
  }
  if (renewed.length === 0) throw noDemo();
  return renewed;
}

/** The code a demo account's authenticator app would show now: trying the board takes a minute. */
export async function demoSecondFactorCode(
  database: Database,
  box: SecretBox,
  role: Role,
  now = new Date(),
): Promise<string> {
  const user = await demoUser(database.db, role);
  if (!user) throw noDemo();
  return totpCodeAt(await secretOf(database.db, box, user.id), now);
}

async function demoUser(db: Drizzle, role: Role) {
  const coalition = await findCoalitionBySlug(db, DEMO_COALITION.slug);
  return coalition ? findUserByEmail(db, coalition.id, demoEmail(role)) : undefined;
}

async function secretOf(db: Drizzle, box: SecretBox, userId: string): Promise<string> {
  const totp = await findTotp(db, userId);
  if (!totp?.confirmedAt) throw new StartupError('This demo account has no authenticator app set up.');
  return box.open(totp.secretEncrypted, `totp:${userId}`);
}

const noDemo = () =>
  new StartupError('This database has no demo accounts: run `faro seed` first (or start Faro in demo mode).');

/**
 * On the embedded database the running server holds the data folder, so the
 * CLI cannot read it then: the demo accounts' second-factor secrets are kept
 * beside it (sealed with the server key, readable by its owner only), for
 * `faro demo code` while the demo runs. Nothing of this exists outside the demo.
 */
export const demoSecretsFile = (dataDir: string) => `${dataDir}.demo`;

export async function keepDemoSecrets(file: string, box: SecretBox, accounts: DemoAccount[]): Promise<void> {
  const secrets = Object.fromEntries(accounts.map((account) => [account.role, account.totpSecret]));
  await writeFile(file, `${box.seal(JSON.stringify(secrets), 'demo-secrets')}\n`, { mode: 0o600 });
}

/** The code from the kept secrets, or null when there are none (seeded by an older version, or PostgreSQL). */
export async function keptDemoCode(file: string, box: SecretBox, role: Role, now = new Date()) {
  const sealed = await readFile(file, 'utf8').catch(() => null);
  if (!sealed) return null;
  const secret = (JSON.parse(box.open(sealed.trim(), 'demo-secrets')) as Partial<Record<Role, string>>)[role];
  return secret ? totpCodeAt(secret, now) : null;
}

/** Seeds the demo (once), keeps its second-factor secrets beside an embedded database, prints the accounts. */
export async function seedDemoOnce(
  config: Pick<Config, 'database'>,
  database: Database,
  box: SecretBox,
): Promise<boolean> {
  const accounts = await seedDemo(database, box);
  if (!accounts) {
    await addDemoBasemap(database);
    return false;
  }
  if (config.database.kind === 'pglite')
    await keepDemoSecrets(demoSecretsFile(config.database.dataDir), box, accounts);
  printDemoAccounts(accounts);
  return true;
}
