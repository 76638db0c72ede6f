import { describe, expect, it } from 'vitest';
import { normalizeEmail, signInSchema } from './access.js';

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
