import type { FastifyRequest } from 'fastify';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Database } from '../db/database.js';
import { clientKeyOf, widerNetworks } from './client-address.js';
import { FORM_KEY_HEX_DIGITS, takeFormPost } from './form-throttle.repo.js';

/**
 * The public forms that work as plain HTML forms, without scripts: the
 * report form and the subscribe form. Their posts cannot carry the proof of
 * work the scripts solve, so each kind has a stricter allowance of its own,
 * counted in the database (one kind's flood does not shut the other).
 */
export const SCRIPTLESS_FORMS = ['report-form', 'subscribe-form'] as const;
export type ScriptlessForm = (typeof SCRIPTLESS_FORMS)[number];

/** One kind's allowance per hour: per client (an IPv6 /56 and /48 get a multiple), and from everyone. */
export interface FormAllowance {
  perClientPerHour: number;
  totalPerHour: number;
}

/** How many clients' allowances an IPv6 /56 and a /48 get (a building, a small provider's customer). */
const WIDER_NETWORK_FACTOR = [4, 16] as const;

/** The window of the stricter limit: an hour, starting on the clock. */
const FORM_WINDOW_SECONDS = 3600;

/** Undoes the allowances already taken when a later one is refused. */
class FormLimitReached extends Error {}

export interface FormPostLimit {
  /**
   * Takes one post of `form` from the request's client, or says it is over
   * its allowance (then nothing is taken). Call it once the post is valid:
   * a mistake corrected does not use the person's allowance.
   */
  take(form: ScriptlessForm, request: FastifyRequest, now: Date): Promise<boolean>;
}

/**
 * The one definition of the limit on forms posted without scripts. Per
 * client; for IPv6 also its /56 and /48 (a client may hop between thousands
 * of /64s); and the whole network, so a flood from many addresses cannot bury
 * the board or the mail queue (past it the page gives the hotline and text
 * numbers; the scripted forms are not held by it). Keys name no address: the
 * form kind and 20 bits of a digest that changes every day (windows start on
 * the clock, so a new day is a new window too). All are taken in one
 * transaction: one refusal undoes the others.
 */
export function createFormPostLimit(deps: {
  database: Database;
  box: SecretBox;
  allowances: Record<ScriptlessForm, FormAllowance>;
}): FormPostLimit {
  return {
    async take(form, request, now) {
      const allowance = deps.allowances[form];
      const day = `${form}:${now.toISOString().slice(0, 10)}`;
      const short = (value: string) => deps.box.digest(value, day).slice(0, FORM_KEY_HEX_DIGITS);
      const perClient = allowance.perClientPerHour;
      const limits = [
        { key: `${form}:${short(clientKeyOf(request))}`, max: perClient },
        ...widerNetworks(request.ip).map((network, index) => ({
          key: `${form}:${short(network)}`,
          max: perClient * (WIDER_NETWORK_FACTOR[index] ?? 16),
        })),
        { key: `${form}:all`, max: allowance.totalPerHour },
      ];
      return deps.database
        .transaction(async ({ db }) => {
          for (const limit of limits) {
            const taken = await takeFormPost(db, limit.key, now, {
              windowSeconds: FORM_WINDOW_SECONDS,
              max: limit.max,
            });
            if (!taken) throw new FormLimitReached();
          }
          return true;
        })
        .catch((error: unknown) => {
          if (error instanceof FormLimitReached) return false;
          throw error;
        });
    },
  };
}
