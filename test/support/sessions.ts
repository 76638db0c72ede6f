import { eq } from 'drizzle-orm';
import type { Database } from '../../src/server/db/database.js';
import { users } from '../../src/server/db/schema.js';
import { createSessionService } from '../../src/server/modules/access/sessions.service.js';
import type { Role } from '../../src/shared/access.js';

export interface StaffSession {
  userId: string;
  token: string;
  csrfToken: string;
  /** Cookie and CSRF headers for a request as this person. */
  headers: { cookie: string; 'x-csrf-token': string };
}

/**
 * A signed-in session (second factor passed) for the demo account of a role,
 * made directly in the database: for tests about something other than
 * signing in. The sign-in tests go through the real steps.
 */
export async function staffSession(
  database: Database,
  role: Role,
  now: () => Date = () => new Date(),
): Promise<StaffSession> {
  const [user] = await database.db
    .select()
    .from(users)
    .where(eq(users.email, `${role}@demo.faro.invalid`));
  if (!user) throw new Error(`no demo ${role} in this database`);
  return sessionFor(database, user.id, now);
}

/** A signed-in session for any account, made directly in the database. */
export async function sessionFor(
  database: Database,
  userId: string,
  now: () => Date = () => new Date(),
): Promise<StaffSession> {
  const sessions = createSessionService({ db: database.db, now, idleMinutes: 30, absoluteHours: 12 });
  const user = { id: userId };
  const token = await sessions.start(database.db, user.id, 'test', true);
  const session = await sessions.resolve(token);
  if (!session) throw new Error('session not readable');
  return {
    userId: user.id,
    token,
    csrfToken: session.csrfToken,
    headers: { cookie: `faro_session=${token}`, 'x-csrf-token': session.csrfToken },
  };
}
