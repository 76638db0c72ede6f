import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { ROLES, type Role } from '../../../shared/access.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database } from '../../db/database.js';
import {
  coalitions,
  organizations,
  organizationZones,
  totpCredentials,
  zoneCells,
  zones,
} from '../../db/schema.js';
import { hashPassword } from '../access/passwords.js';
import { newTotpSecret } from '../access/totp.js';
import { grantMembership, insertUser } from '../access/users.repo.js';
import { polygonCells, ZONE_CELL_RESOLUTION } from '../zones/geo.js';
import { DEMO_COALITION, DEMO_ORGANIZATIONS, DEMO_ZONES } from './demo-data.js';

export interface DemoAccount {
  role: Role;
  email: string;
  password: string;
  totpSecret: string;
}

const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
const demoPassword = () =>
  Array.from({ length: 16 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');

/**
 * Inserts the demo coalition, organizations, zones and one account per role,
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
      email: `${role}@demo.faro.invalid`,
      password,
      totpSecret: newTotpSecret(),
      passwordHash: await hashPassword(password),
    });
  }
  return database.transaction(async ({ db }) => {
    const existing = await db
      .select({ id: coalitions.id })
      .from(coalitions)
      .where(eq(coalitions.slug, DEMO_COALITION.slug));
    if (existing.length > 0) return null;
    const [coalition] = await db.insert(coalitions).values(DEMO_COALITION).returning({ id: coalitions.id });
    if (!coalition) throw new Error('coalition insert returned no row');
    const orgs = await db
      .insert(organizations)
      .values(DEMO_ORGANIZATIONS.map(({ slug, name }) => ({ slug, name, coalitionId: coalition.id })))
      .returning({ id: organizations.id, slug: organizations.slug });
    const home = orgs.find((org) => org.slug === DEMO_ORGANIZATIONS[0]?.slug);
    if (!home) throw new Error('organization insert returned no row');
    const zoneIds = new Map<string, string>();
    for (const zone of DEMO_ZONES) {
      const [row] = await db
        .insert(zones)
        .values({ ...zone, coalitionId: coalition.id, h3Resolution: ZONE_CELL_RESOLUTION })
        .returning({ id: zones.id });
      if (!row) throw new Error('zone insert returned no row');
      zoneIds.set(zone.slug, row.id);
      const cells = polygonCells(zone.boundary);
      await db.insert(zoneCells).values(cells.map((cell) => ({ zoneId: row.id, cell })));
    }
    const orgIds = new Map(orgs.map((org) => [org.slug, org.id]));
    await db.insert(organizationZones).values(
      DEMO_ORGANIZATIONS.flatMap((org) =>
        org.zones.map((zone) => ({
          organizationId: orgIds.get(org.slug) as string,
          zoneId: zoneIds.get(zone) as string,
        })),
      ),
    );
    for (const account of accounts) {
      const user = await insertUser(db, {
        coalitionId: coalition.id,
        email: account.email,
        displayName: `Demo ${account.role}`,
        passwordHash: account.passwordHash,
      });
      await grantMembership(db, user.id, home.id, account.role);
      await db.insert(totpCredentials).values({
        userId: user.id,
        secretEncrypted: box.seal(account.totpSecret, `totp:${user.id}`),
        confirmedAt: new Date(),
      });
    }
    return accounts.map(({ passwordHash: _, ...account }) => account);
  });
}

/** Prints the demo accounts once, on the first start. */
export function printDemoAccounts(accounts: DemoAccount[]): void {
  const lines = accounts.map(
    (a) =>
      `  ${a.role.padEnd(11)} ${a.email.padEnd(30)} password: ${a.password}   TOTP secret: ${a.totpSecret}`,
  );
  process.stdout.write(
    `\n  Demo accounts (shown only now; add the TOTP secret to an authenticator app):\n${lines.join('\n')}\n`,
  );
}
