import { randomInt } from 'node:crypto';
import { ROLES, type Role } from '../../../shared/access.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import { insertConfirmedTotp } from '../access/factors.repo.js';
import { hashPassword } from '../access/passwords.js';
import { newTotpSecret } from '../access/totp.js';
import { grantMembership, insertUser } from '../access/users.repo.js';
import { hasBasemap, storeBasemap } from '../basemap/basemap.service.js';
import { findCoalitionBySlug, insertCoalition } from '../coalitions/coalitions.repo.js';
import { insertOrganization, setOrganizationZones } from '../coalitions/organizations.repo.js';
import { coalitionSettings } from '../coalitions/settings.js';
import { polygonCells, ZONE_CELL_RESOLUTION } from '../zones/geo.js';
import { insertZone } from '../zones/zones.repo.js';
import { DEMO_COALITION, DEMO_CONTACTS, DEMO_ORGANIZATIONS, DEMO_ZONES } from './demo-data.js';
import { demoBasemapArchive } from './demo-streets.js';

export interface DemoAccount {
  role: Role;
  email: string;
  password: string;
  totpSecret: string;
}

/** A demo account's sign-in address: one per role, on a domain that can never receive mail. */
export const demoEmail = (role: Role) => `${role}@demo.faro.invalid`;

const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const demoPassword = () =>
  Array.from({ length: 16 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');

/**
 * Inserts the demo coalition, organizations, zones, the street sketch and one account per role,
 * once. Returns the accounts' credentials (random for each installation, so a
 * demo put online is not open to anyone who read this code), or null if the
 * demo data was already there.
 */
export async function seedDemo(database: Database, box: SecretBox): Promise<DemoAccount[] | null> {
  const accounts: (DemoAccount & { passwordHash: string })[] = [];
  for (const role of ROLES) {
    const password = demoPassword();
    accounts.push({
      role,
      email: demoEmail(role),
      password,
      totpSecret: newTotpSecret(),
      passwordHash: await hashPassword(password),
    });
  }
  return database.transaction(async ({ db }) => {
    // Each table through the repository of the module that owns it.
    if (await findCoalitionBySlug(db, DEMO_COALITION.slug)) return null;
    const coalition = await insertCoalition(db, DEMO_COALITION.name, DEMO_COALITION.slug);
    // The numbers the public pages show (555-01xx: reserved for fiction, they ring nobody).
    await coalitionSettings.setPublishing(db, coalition.id, { contacts: DEMO_CONTACTS });
    const orgIds = new Map<string, string>();
    for (const { slug, name } of DEMO_ORGANIZATIONS) {
      const row = await insertOrganization(db, coalition.id, name, slug);
      if (!row) throw new Error('organization insert returned no row');
      orgIds.set(slug, row.id);
    }
    const home = orgIds.get(DEMO_ORGANIZATIONS[0]?.slug ?? '');
    if (!home) throw new Error('organization insert returned no row');
    const zoneIds = new Map<string, string>();
    for (const zone of DEMO_ZONES) {
      const id = await insertZone(
        db,
        { ...zone, coalitionId: coalition.id, h3Resolution: ZONE_CELL_RESOLUTION },
        polygonCells(zone.boundary),
      );
      zoneIds.set(zone.slug, id);
    }
    await storeBasemap(db, coalition.id, demoBasemapArchive(), 'demo');
    for (const org of DEMO_ORGANIZATIONS) {
      await setOrganizationZones(
        db,
        coalition.id,
        orgIds.get(org.slug) as string,
        org.zones.map((zone) => zoneIds.get(zone) as string),
      );
    }
    for (const account of accounts) {
      const user = await insertUser(db, {
        coalitionId: coalition.id,
        email: account.email,
        displayName: `Demo ${account.role}`,
        passwordHash: account.passwordHash,
      });
      await grantMembership(db, user.id, home, account.role);
      await insertConfirmedTotp(db, user.id, box.seal(account.totpSecret, `totp:${user.id}`), new Date());
    }
    return accounts.map(({ passwordHash: _, ...account }) => account);
  });
}

/**
 * The demo's street sketch for a demo coalition seeded before Faro had street maps; nothing
 * changes where the coalition has one (the sketch, or an extract an admin imported). True if added.
 */
export async function addDemoBasemap(database: Database): Promise<boolean> {
  return database.transaction(async ({ db }) => {
    const coalition = await findCoalitionBySlug(db, DEMO_COALITION.slug);
    if (!coalition || (await hasBasemap(db, coalition.id))) return false;
    await storeBasemap(db, coalition.id, demoBasemapArchive(), 'demo');
    return true;
  });
}

/** Prints the demo accounts (on the first start, and again on `faro demo accounts`). */
export function printDemoAccounts(accounts: DemoAccount[]): void {
  const lines = accounts.map(
    (a) =>
      `  ${a.role.padEnd(15)} ${a.email.padEnd(34)} password: ${a.password}   TOTP secret: ${a.totpSecret}`,
  );
  process.stdout.write(
    `\n  Demo accounts (the passwords are shown only now: \`faro demo accounts\` gives new ones, keeping the data).\n` +
      `  For the second factor, add the TOTP secret to an authenticator app, or run \`faro demo code <role>\`.\n` +
      `${lines.join('\n')}\n`,
  );
}
