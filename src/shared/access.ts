import { z } from 'zod';

import { PERMISSIONS } from './permissions.js';
import { PASSWORD_MAX, PASSWORD_MIN, ROLES } from './roles.js';

export * from './roles.js';

export const roleSchema = z.enum(ROLES);

/** Where a signed-in browser is in the sign-in sequence. */
export const SESSION_STATES = [
  'password_change_required',
  'second_factor_required',
  'second_factor_enrolment_required',
  'signed_in',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const sessionInfoSchema = z.object({
  state: z.enum(SESSION_STATES),
  /** While finishing sign-in: whether a passkey can be used instead of a code. */
  hasPasskey: z.boolean(),
  user: z.object({ id: z.uuid(), email: z.string(), displayName: z.string() }),
  roles: z.array(roleSchema),
  permissions: z.array(z.enum(PERMISSIONS)),
  csrfToken: z.string(),
  idleExpiresAt: z.string(),
  expiresAt: z.string(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

/**
 * A staff account's e-mail address as it is stored and compared — at sign-in, on an invitation
 * and its acceptance, by the CLI — so the same person is always the same address: trimmed, lower case.
 */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export const signInSchema = z.object({
  email: z.string().overwrite(normalizeEmail).max(320),
  password: z.string().min(1).max(PASSWORD_MAX),
});

export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `must be at most ${PASSWORD_MAX} characters`);

export const codeSchema = z.object({ code: z.string().trim().min(6).max(32) });
