import { randomBytes, randomUUID } from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import {
  authenticationOptions,
  CHALLENGE_TTL_MS,
  type RelyingParty,
  registrationOptions,
  verifyAuthentication,
  verifyRegistration,
} from '../access/passkeys.js';
import {
  deletePlanPasskeys,
  findPlanPasskey,
  insertPlanPasskey,
  type PlanRow,
  planPasskeysOf,
  purgeOldPlanChallenges,
  putPlanChallenge,
  recordPlanPasskeyUse,
  takePlanChallenge,
} from './plans.repo.js';
import type { PlanActivation } from './plans.service.js';
import type { PlanSender } from './unlock.js';

type Credentials = { code: string; pin: string };

/** Whatever went wrong with a passkey, one answer: nothing tells a caller whether a plan is behind it. */
const refused = () =>
  new AppError('NOT_FOUND', 'This passkey does not open a plan here. Use the plan code and PIN.');

/**
 * A passkey on the member's own phone, for one plan: "a one-tap button on the member's installed
 * page". Added once the plan is opened with its code and PIN; then the phone's fingerprint or
 * screen lock activates the plan without typing either — the passkey is discoverable,
 * so the page needs to know nothing. Its user handle is random and its name a generic one: the
 * phone's passkey list names no person and no plan code. Challenges live in the database (any
 * process may answer the next step) and are taken once.
 */
export function createPlanPasskeys(deps: {
  database: Database;
  now: () => Date;
  rp: RelyingParty;
  unlock: (coalitionId: string, credentials: Credentials, sender: PlanSender) => Promise<PlanRow>;
  activate: (
    plan: PlanRow,
    via: PlanActivation,
  ) => Promise<{ messages: number; test: boolean; duplicate: boolean }>;
}) {
  const { database, now, rp } = deps;
  const expiry = () => new Date(now().getTime() + CHALLENGE_TTL_MS);

  /** The plan behind a passkey's signature on an authentication challenge, or a refusal. */
  async function planOf(coalitionId: string, challengeId: string, response: AuthenticationResponseJSON) {
    const challenge = await takePlanChallenge(database.db, challengeId, 'authenticate', now());
    const found = challenge ? await findPlanPasskey(database.db, response.id) : undefined;
    if (!challenge || !found || found.plan.coalitionId !== coalitionId) throw refused();
    const counter = await verifyAuthentication(rp, challenge.challenge, found.passkey, response);
    if (counter === null || !(await recordPlanPasskeyUse(database.db, found.passkey.id, counter, now())))
      throw refused();
    return found.plan;
  }

  return {
    /** Options to create a passkey for the plan its code and PIN open (how many it has already). */
    async registrationOptions(
      coalitionId: string,
      credentials: Credentials,
      sender: PlanSender,
      name: string,
    ) {
      const plan = await deps.unlock(coalitionId, credentials, sender);
      const existing = await planPasskeysOf(database.db, plan.id);
      const options = await registrationOptions(
        rp,
        // A random handle each time: the phone's passkey never carries the plan's id.
        { id: randomBytes(16).toString('base64url'), email: name, name },
        existing,
        'required',
      );
      const challengeId = randomUUID();
      await putPlanChallenge(database.db, {
        id: challengeId,
        challenge: options.challenge,
        purpose: 'register',
        planId: plan.id,
        expiresAt: expiry(),
      });
      return { challengeId, options: options as unknown as Record<string, unknown> };
    },

    /** Keeps the new passkey for the plan its challenge was made for. */
    async register(challengeId: string, response: RegistrationResponseJSON) {
      const challenge = await takePlanChallenge(database.db, challengeId, 'register', now());
      const credential = challenge?.planId
        ? await verifyRegistration(rp, challenge.challenge, response)
        : null;
      if (!challenge?.planId || !credential)
        throw new AppError('VALIDATION', 'The passkey could not be verified. Try adding it again.');
      await insertPlanPasskey(database.db, { ...credential, planId: challenge.planId, createdAt: now() });
    },

    /** Options for the phone to sign with a passkey of this site (any: the phone picks it). */
    async authenticationOptions() {
      const options = await authenticationOptions(rp, []);
      const challengeId = randomUUID();
      await putPlanChallenge(database.db, {
        id: challengeId,
        challenge: options.challenge,
        purpose: 'authenticate',
        expiresAt: expiry(),
      });
      return { challengeId, options: options as unknown as Record<string, unknown> };
    },

    /** Activates the plan of the passkey that signed (once per challenge: a fresh source). */
    async activate(
      coalitionId: string,
      challengeId: string,
      response: AuthenticationResponseJSON,
      test: boolean,
    ) {
      const plan = await planOf(coalitionId, challengeId, response);
      return deps.activate(plan, {
        channel: 'web',
        sourceRef: `passkey:${challengeId}`,
        sender: { kind: 'address', value: `passkey:${plan.id}` },
        test,
      });
    },

    /** Forgets every passkey of the plan its code and PIN open (a phone lost or given away). */
    async removeAll(coalitionId: string, credentials: Credentials, sender: PlanSender) {
      const plan = await deps.unlock(coalitionId, credentials, sender);
      return { removed: await deletePlanPasskeys(database.db, plan.id) };
    },

    /** How many passkeys the plan has (shown on the opened plan). */
    async count(planId: string) {
      return (await planPasskeysOf(database.db, planId)).length;
    },

    /** Challenges never answered: forgotten (retention). */
    purge: () => purgeOldPlanChallenges(database.db, now()),
  };
}
