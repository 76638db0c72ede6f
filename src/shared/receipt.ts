/**
 * Receipt codes are read aloud over the phone, so the alphabet leaves out
 * look-alikes (0/O, 1/I/L) and U. 8 symbols of 31 give ~2^39 codes.
 */
export const RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECEIPT_LENGTH = 8;

/** Formats 8 symbols as two groups of four, e.g. `K7M4-QP2X`. */
export function formatReceipt(symbols: string): string {
  return `${symbols.slice(0, 4)}-${symbols.slice(4)}`;
}

/**
 * Turns what a person typed or said into the canonical form, forgiving case,
 * spaces, dashes and the look-alike letters, or returns null if it cannot be a receipt.
 */
export function normalizeReceipt(input: string): string | null {
  const symbols = input
    .toUpperCase()
    .replace(/[\s\-_.]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (symbols.length !== RECEIPT_LENGTH) return null;
  // 0 and 1 are never issued; a person who typed one meant something else.
  for (const ch of symbols) if (!RECEIPT_ALPHABET.includes(ch)) return null;
  return formatReceipt(symbols);
}
