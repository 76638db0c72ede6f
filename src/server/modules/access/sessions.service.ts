import { createHash, randomBytes } from 'node:crypto';
import type { Role, SessionState } from '../../../shared/access.js';
import { type Permission, permissionsOf } from '../../../shared/permissions.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { listPasskeys } from './passkeys.repo.js';
import {
  deleteSession,
  findSession,
  insertSession,
  listUserSessions,
  touchSession,
} from './sessions.repo.js';
import { findUser, hasConfirmedTotp, rolesOf } from './users.repo.js';

/** The signed-in browser behind a request, as the policy checks see it. */
export interface SessionContext {
  tokenHash: string;
  userId: string;
  coalitionId: string;
  email: string;
  displayName: string;
  roles: Role[];
  permissions: Permission[];
  state: SessionState;
  /** While finishing sign-in: whether a passkey can be used instead of a code. */
  hasPasskey: boolean;
  csrfToken: string;
  lastSeenAt: Date;
  expiresAt: Date;
  idleExpiresAt: Date;
}

export interface SessionService {
  /** Starts a session for a user; returns the cookie token (shown once, stored only as a hash). */
  start(db: Drizzle, userId: string, agent: string, verified: boolean): Promise<string>;
  /** The live session for a cookie token, or null when unknown, expired, idle too long, or the user is disabled. */
  resolve(token: string): Promise<SessionContext | null>;
  /**
   * Whether a session still allows `permission` with exactly the rights it had
   * when a live stream opened: signed in, not expired, idle, disabled, and no
   * role granted or taken away (any change ends the stream; the browser
   * reconnects with what it has now). Read again without counting as activity:
   * a stream's periodic check must not keep a session alive.
   */
  stillGrants(session: SessionContext, permission: Permission): Promise<boolean>;
  /**
   * Replaces the session with a new token and CSRF token (same person, same
   * absolute expiry), marked verified when asked: after the second factor and
   * after a password change, so a token planted or seen before cannot ride
   * along (session fixation). Returns the new cookie token.
   */
  rotate(db: Drizzle, tokenHash: string, verified: boolean): Promise<string>;
  end(db: Drizzle, tokenHash: string): Promise<void>;
  list(userId: string, currentTokenHash?: string): Promise<SessionSummary[]>;
  /** The token hash of a user's session by its public id, if any. */
  findById(userId: string, id: string): Promise<string | undefined>;
}

export interface SessionSummary {
  id: string;
  agent: string;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

/** Sessions are looked up by the SHA-256 of the cookie token. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The token hash itself is never shown; a short digest of it names a session in the sessions list. */
const publicId = (tokenHash: string) =>
  createHash('sha256').update(tokenHash).digest('base64url').slice(0, 16);

// A busy board polls constantly; writing last-seen on every request would be a write per read.
const TOUCH_EVERY_MS = 60_000;

export function createSessionService(deps: {
  db: Drizzle;
  now: () => Date;
  idleMinutes: number;
  absoluteHours: number;
}): SessionService {
  const { db, now } = deps;
  const idleMs = deps.idleMinutes * 60_000;
  const service: SessionService = {
    async start(tx, userId, agent, verified) {
      const token = randomBytes(32).toString('base64url');
      const at = now();
      await insertSession(tx, {
        tokenHash: hashToken(token),
        userId,
        csrfToken: randomBytes(24).toString('base64url'),
        verifiedAt: verified ? at : null,
        agent,
        createdAt: at,
        lastSeenAt: at,
        expiresAt: new Date(at.getTime() + deps.absoluteHours * 3_600_000),
      });
      return token;
    },

    resolve: (token) => load(hashToken(token), true),
    async stillGrants(session, permission) {
      const current = await load(session.tokenHash, false);
      const granted = (permissions: readonly Permission[]) => [...permissions].sort().join(' ');
      return (
        current !== null &&
        current.state === 'signed_in' &&
        current.permissions.includes(permission) &&
        granted(current.permissions) === granted(session.permissions)
      );
    },

    async rotate(tx, tokenHash, verified) {
      const old = await findSession(tx, tokenHash);
      if (!old) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
      const token = randomBytes(32).toString('base64url');
      const at = now();
      await deleteSession(tx, tokenHash);
      await insertSession(tx, {
        tokenHash: hashToken(token),
        userId: old.userId,
        csrfToken: randomBytes(24).toString('base64url'),
        verifiedAt: verified ? at : old.verifiedAt,
        agent: old.agent,
        createdAt: old.createdAt,
        lastSeenAt: at,
        expiresAt: old.expiresAt,
      });
      return token;
    },

    end: (tx, tokenHash) => deleteSession(tx, tokenHash),

    async list(userId, currentTokenHash) {
      const rows = await listUserSessions(db, userId);
      return rows.map((row) => ({
        id: publicId(row.tokenHash),
        agent: row.agent,
        createdAt: row.createdAt,
        lastSeenAt: row.lastSeenAt,
        current: row.tokenHash === currentTokenHash,
      }));
    },

    async findById(userId, id) {
      return (await listUserSessions(db, userId)).find((row) => publicId(row.tokenHash) === id)?.tokenHash;
    },
  };

  return service;

  async function load(tokenHash: string, touch: boolean): Promise<SessionContext | null> {
    const session = await findSession(db, tokenHash);
    if (!session) return null;
    const at = now();
    const idleExpiresAt = new Date(session.lastSeenAt.getTime() + idleMs);
    const user = await findUser(db, session.userId);
    if (!user || user.disabledAt || session.expiresAt <= at || idleExpiresAt <= at) {
      await deleteSession(db, tokenHash);
      return null;
    }
    let lastSeenAt = session.lastSeenAt;
    if (touch && at.getTime() - lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      await touchSession(db, tokenHash, at);
      lastSeenAt = at;
    }
    const roles = await rolesOf(db, user.id);
    const state: SessionState = user.mustChangePassword
      ? 'password_change_required'
      : session.verifiedAt
        ? 'signed_in'
        : (await hasConfirmedTotp(db, user.id))
          ? 'second_factor_required'
          : 'second_factor_enrolment_required';
    const hasPasskey = state === 'second_factor_required' && (await listPasskeys(db, user.id)).length > 0;
    return {
      tokenHash,
      hasPasskey,
      userId: user.id,
      coalitionId: user.coalitionId,
      email: user.email,
      displayName: user.displayName,
      roles,
      permissions: state === 'signed_in' ? permissionsOf(roles) : [],
      state,
      csrfToken: session.csrfToken,
      lastSeenAt,
      expiresAt: session.expiresAt,
      idleExpiresAt: new Date(Math.min(lastSeenAt.getTime() + idleMs, session.expiresAt.getTime())),
    };
  }
}

/** A coarse, address-free description of a browser for the sessions list. */
export function describeAgent(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\/|Chromium\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Browser';
  const system = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iOS/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'unknown system';
  return `${browser} on ${system}`;
}
