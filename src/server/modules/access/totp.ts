import { randomBytes } from 'node:crypto';
import { generate, generateSecret, generateURI, verify } from 'otplib';
import { renderSVG } from 'uqr';

/** TOTP per RFC 6238: 6 digits, 30-second steps, one step of clock drift either way. */
const PERIOD = 30;

/** A new base32 secret (160 bits). */
export const newTotpSecret = (): string => generateSecret();

/** The otpauth:// URI an authenticator app reads, and the same as a QR code (SVG). */
export function totpEnrolment(
  secret: string,
  account: string,
  issuer: string,
): { uri: string; qrSvg: string } {
  const uri = generateURI({ issuer, label: account, secret, period: PERIOD });
  return { uri, qrSvg: renderSVG(uri, { border: 2 }) };
}

/**
 * Checks a code at the given time. Returns the accepted time step, or null.
 * A code whose step is not after `lastTimeStep` is refused: replays fail.
 */
export async function checkTotp(
  secret: string,
  code: string,
  now: Date,
  lastTimeStep: number,
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    period: PERIOD,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: PERIOD,
    afterTimeStep: lastTimeStep,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

/** The code an authenticator app shows at the given time (the demo hands it out; nothing else should). */
export function totpCodeAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, period: PERIOD, epoch: Math.floor(at.getTime() / 1000) });
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten single-use recovery codes like `k7m4q-p2x9z` (50 bits each). */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    const symbols = [...bytes].map((byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]).join('');
    return `${symbols.slice(0, 5)}-${symbols.slice(5)}`;
  });
}

/** The canonical form of a typed recovery code. */
export const normalizeRecoveryCode = (code: string) => code.trim().toLowerCase().replace(/[\s-]/g, '');
