import { randomInt } from 'node:crypto';
import { formatReceipt, RECEIPT_ALPHABET, RECEIPT_LENGTH } from '../../../shared/receipt.js';

/** A new random receipt code, e.g. `K7M4-QP2X`. Uniqueness is enforced by the database. */
export function newReceipt(): string {
  let symbols = '';
  for (let i = 0; i < RECEIPT_LENGTH; i++) symbols += RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)];
  return formatReceipt(symbols);
}
