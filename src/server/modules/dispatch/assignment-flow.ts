import { ASSIGNMENT_STATES } from '../../../shared/dispatch.js';
import type { ErrorReason } from '../../../shared/errors.js';
import { AppError } from '../../http/errors.js';

/**
 * An assignment's states and the steps between them. Pure: the service asks
 * here, then writes with the state it read as a condition.
 */
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];
export { ASSIGNMENT_STATES };

/** States in which the responder is still engaged (they count as load). */
export const ENGAGED: readonly AssignmentState[] = ['offered', 'accepted', 'en_route', 'on_scene'];

export const RESPONDER_ACTIONS = ['accept', 'decline', 'en_route', 'on_scene', 'reported'] as const;
export type ResponderAction = (typeof RESPONDER_ACTIONS)[number];
export type AssignmentAction = ResponderAction | 'expire' | 'withdraw';

const STEPS: Record<AssignmentAction, { from: readonly AssignmentState[]; to: AssignmentState }> = {
  accept: { from: ['offered'], to: 'accepted' },
  decline: { from: ['offered'], to: 'declined' },
  en_route: { from: ['accepted'], to: 'en_route' },
  on_scene: { from: ['accepted', 'en_route'], to: 'on_scene' },
  reported: { from: ['on_scene'], to: 'reported' },
  expire: { from: ['offered'], to: 'expired' },
  withdraw: { from: ENGAGED, to: 'withdrawn' },
};

/** The state after the action, or INVALID_TRANSITION saying why not. An offer cannot be accepted once it expired. */
export function nextAssignmentState(
  state: AssignmentState,
  action: AssignmentAction,
  expiresAt: Date,
  now: Date,
): AssignmentState {
  const step = STEPS[action];
  if (!step.from.includes(state)) {
    throw new AppError(
      'INVALID_TRANSITION',
      `An assignment that is ${state.replace('_', ' ')} cannot be ${action}.`,
      {
        state,
        action,
      },
    );
  }
  if (action === 'accept' && expiresAt <= now) {
    throw new AppError(
      'INVALID_TRANSITION',
      'This offer expired; the dispatcher has offered it to someone else.',
      { state, action, reason: 'offer_expired' satisfies ErrorReason },
    );
  }
  return step.to;
}
