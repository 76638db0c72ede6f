import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import type { PasskeyRow } from './passkeys.repo.js';

/** The WebAuthn library loads with the first passkey ceremony, not when the server starts (it is slow to load). */
const loadWebAuthn = () => import('@simplewebauthn/server');

/** WebAuthn JSON as the browser sends it; the library verifies its inner structure. */
export const webauthnResponse = z.looseObject({
  id: z.string().max(1024),
  type: z.literal('public-key'),
  response: z.looseObject({}),
});
/** Options for the browser's WebAuthn call, as the library makes them. */
export const webauthnOptions = z.record(z.string(), z.unknown());

/** Where WebAuthn credentials are scoped: the site's host name and its exact origin. */
export interface RelyingParty {
  id: string;
  origin: string;
}

/** The relying party: this site's public address (PUBLIC_URL), whatever host a request names. */
export function relyingParty(publicUrl: string): RelyingParty {
  const url = new URL(publicUrl);
  return { id: url.hostname, origin: url.origin };
}

export const CHALLENGE_TTL_MS = 5 * 60_000;

/** Options for `navigator.credentials.create`, excluding the person's existing passkeys. */
export async function registrationOptions(
  rp: RelyingParty,
  user: { id: string; email: string; name: string },
  existing: Pick<PasskeyRow, 'id' | 'transports'>[],
  /** `required`: the phone keeps it, so it can be offered without naming anyone (an emergency plan's). */
  residentKey: 'preferred' | 'required' = 'preferred',
) {
  const { generateRegistrationOptions } = await loadWebAuthn();
  return generateRegistrationOptions({
    rpName: 'Faro',
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
    authenticatorSelection: { residentKey, userVerification: 'required' },
  });
}

/** Checks a new passkey's attestation against the challenge; returns what to store, or null. */
export async function verifyRegistration(
  rp: RelyingParty,
  challenge: string,
  response: RegistrationResponseJSON,
) {
  const { verifyRegistrationResponse } = await loadWebAuthn();
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: true,
  }).catch(() => null);
  if (!result?.verified) return null;
  const { credential } = result.registrationInfo;
  return {
    id: credential.id,
    publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: credential.transports ?? [],
  };
}

/** Options for `navigator.credentials.get`, limited to the person's passkeys (none: any this site's phone keeps). */
export async function authenticationOptions(
  rp: RelyingParty,
  existing: Pick<PasskeyRow, 'id' | 'transports'>[],
) {
  const { generateAuthenticationOptions } = await loadWebAuthn();
  return generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
    userVerification: 'required',
  });
}

/** Checks a passkey's signature; returns the new signature counter, or null. */
export async function verifyAuthentication(
  rp: RelyingParty,
  challenge: string,
  passkey: Pick<PasskeyRow, 'id' | 'publicKey' | 'counter' | 'transports'>,
  response: AuthenticationResponseJSON,
): Promise<number | null> {
  const { verifyAuthenticationResponse } = await loadWebAuthn();
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    credential: {
      id: passkey.id,
      publicKey: Buffer.from(passkey.publicKey, 'base64url'),
      counter: passkey.counter,
      transports: passkey.transports as never,
    },
    requireUserVerification: true,
  }).catch(() => null);
  return result?.verified ? result.authenticationInfo.newCounter : null;
}
