/** The roles a person can hold in a member organization (zod-free, for the web app). */
export const ROLES = ['admin', 'dispatcher', 'operator', 'responder', 'approver', 'legal'] as const;
export type Role = (typeof ROLES)[number];

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;
