import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatReceipt, normalizeReceipt, RECEIPT_ALPHABET } from '../../../shared/receipt.js';
import { newReceipt } from './receipt.js';

const symbols = fc.string({ unit: fc.constantFrom(...RECEIPT_ALPHABET), minLength: 8, maxLength: 8 });

describe('receipt codes', () => {
  it('are issued in the readable alphabet, as two groups of four', () => {
    for (let i = 0; i < 1_000; i++)
      expect(newReceipt()).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
  });

  it('survive the ways people retype them: case, spaces, dashes', () => {
    fc.assert(
      fc.property(symbols, fc.constantFrom('', ' ', '-', '  '), fc.boolean(), (code, separator, lower) => {
        const typed = `${code.slice(0, 4)}${separator}${code.slice(4)}`;
        expect(normalizeReceipt(lower ? typed.toLowerCase() : typed)).toBe(formatReceipt(code));
      }),
    );
  });

  it('reject anything that cannot be a code instead of guessing', () => {
    for (const input of ['', 'ABC', 'ABCD-EFGH-J', 'ABCD-EFG0', 'ABCD-EFG1', 'ABCD EFG!']) {
      expect(normalizeReceipt(input)).toBeNull();
    }
  });
});
