import { describe, expect, it } from 'vitest';
import { normalizeEmail, sessionInfoSchema, signInSchema } from './access.js';
import type { Permission } from './permissions.js';

describe('a staff account’s e-mail address', () => {
  it('is the same address however it is typed: trimmed, lower case', () => {
    expect(normalizeEmail('  Rosa.Diaz@Example.ORG ')).toBe('rosa.diaz@example.org');
    // Sign-in reads it by the same rule the invitation stored it by.
    expect(signInSchema.parse({ email: ' Rosa.Diaz@Example.ORG', password: 'x' }).email).toBe(
      normalizeEmail('rosa.diaz@example.org'),
    );
    expect(signInSchema.safeParse({ email: `${'a'.repeat(320)} `, password: 'x' }).success).toBe(true);
    expect(signInSchema.safeParse({ email: 'a'.repeat(321), password: 'x' }).success).toBe(false);
  });
});

describe('a session’s permissions', () => {
  it('are only the permissions there are: a misspelled one is refused, and does not compile', () => {
    // @ts-expect-error 'alerts:publish' is no permission (approvers publish with 'alerts:approve')
    const misspelled: Permission = 'alerts:publish';
    const permissions = sessionInfoSchema.shape.permissions;
    expect(permissions.safeParse([misspelled]).success).toBe(false);
    expect(permissions.safeParse(['alerts:approve', 'people:manage']).success).toBe(true);
  });
});
