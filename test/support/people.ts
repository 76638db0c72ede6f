import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { SecretBox } from '../../src/server/crypto/secret-box.js';
import type { Database } from '../../src/server/db/database.js';
import { organizations, totpCredentials } from '../../src/server/db/schema.js';
import { hashPassword } from '../../src/server/modules/access/passwords.js';
import { newTotpSecret } from '../../src/server/modules/access/totp.js';
import { grantMembership, insertUser } from '../../src/server/modules/access/users.repo.js';
import type { Role } from '../../src/shared/access.js';

export interface TestPerson {
  id: string;
  email: string;
  password: string;
  totpSecret: string | null;
}

/** A staff account with a known password (and a confirmed authenticator unless `totp: false`), unique per call. */
export async function createPerson(
  database: Database,
  box: SecretBox,
  options: {
    role: Role;
    totp?: boolean;
    mustChangePassword?: boolean;
    displayName?: string;
    /** The organization the role is held in; default: the first one stored. */
    organizationId?: string;
  },
): Promise<TestPerson> {
  const [organization] = await database.db
    .select()
    .from(organizations)
    .where(options.organizationId ? eq(organizations.id, options.organizationId) : undefined)
    .limit(1);
  if (!organization) throw new Error('no organization in the test database');
  const email = `${options.role}-${randomUUID().slice(0, 8)}@test.faro.invalid`;
  const password = `pw-${randomUUID()}`;
  const user = await insertUser(database.db, {
    coalitionId: organization.coalitionId,
    email,
    displayName: options.displayName ?? `Test ${options.role}`,
    passwordHash: await hashPassword(password),
    mustChangePassword: options.mustChangePassword ?? false,
  });
  await grantMembership(database.db, user.id, organization.id, options.role);
  let totpSecret: string | null = null;
  if (options.totp !== false) {
    totpSecret = newTotpSecret();
    await database.db.insert(totpCredentials).values({
      userId: user.id,
      secretEncrypted: box.seal(totpSecret, `totp:${user.id}`),
      confirmedAt: new Date(),
    });
  }
  return { id: user.id, email, password, totpSecret };
}
