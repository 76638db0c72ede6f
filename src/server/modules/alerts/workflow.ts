import type { AlertKind, AlertState } from '../../../shared/alert.js';
import { AppError } from '../../http/errors.js';

/**
 * The two-person rule as a state machine: draft → submitted → published by a
 * different person, or rejected with a reason (and edited back to a draft).
 * Pure: the service loads the alert, asks here, then writes.
 */

export type AlertAction = 'edit' | 'submit' | 'approve' | 'reject' | 'cancel' | 'follow_up';

export interface AlertFacts {
  state: AlertState;
  kind: AlertKind;
  createdBy: string;
  submittedBy: string | null;
  /** Everyone who wrote or changed its content. */
  editors: readonly string[];
  endedAt: Date | null;
  /** Null until it is published. */
  expiresAt: Date | null;
}

/** CAP msgType of each kind. */
export function msgTypeOf(kind: AlertKind): 'Alert' | 'Update' | 'Cancel' {
  if (kind === 'cancel') return 'Cancel';
  return kind === 'update' || kind === 'all_clear' ? 'Update' : 'Alert';
}

/** Whether a published alert is still in force at `now`. */
export function isActive(alert: AlertFacts, now: Date): boolean {
  return (
    alert.state === 'published' &&
    alert.endedAt === null &&
    alert.expiresAt !== null &&
    alert.expiresAt > now &&
    alert.kind !== 'cancel'
  );
}

/** The two-person rule: whoever wrote, changed or submitted an alert is on its writing side. */
export function mayNotApprove(alert: AlertFacts, actorId: string): boolean {
  return actorId === alert.createdBy || actorId === alert.submittedBy || alert.editors.includes(actorId);
}

/** The state after the action; throws INVALID_TRANSITION or FORBIDDEN with a reason a person can act on. */
export function nextState(alert: AlertFacts, action: AlertAction, actorId: string, now: Date): AlertState {
  const refuse = (message: string): never => {
    throw new AppError('INVALID_TRANSITION', message, { state: alert.state, action });
  };
  switch (action) {
    case 'edit':
      if (alert.state !== 'draft' && alert.state !== 'rejected')
        refuse('Only a draft can be changed; this alert was submitted already.');
      return 'draft';
    case 'submit':
      if (alert.state !== 'draft' && alert.state !== 'rejected')
        refuse('Only a draft can be submitted for approval.');
      return 'submitted';
    case 'approve':
      if (alert.state !== 'submitted') refuse('Only a submitted alert can be approved.');
      if (mayNotApprove(alert, actorId)) {
        throw new AppError(
          'FORBIDDEN',
          'Another person must approve this alert: nobody approves an alert they wrote, changed or submitted.',
        );
      }
      return 'published';
    case 'reject':
      if (alert.state !== 'submitted') refuse('Only a submitted alert can be rejected.');
      return 'rejected';
    case 'cancel':
    case 'follow_up':
      if (!isActive(alert, now))
        refuse('Only a published alert that is still in force can be cancelled, updated or ended.');
      return alert.state;
  }
}

/**
 * CAP `sent` of a message issued at `now`: to the second (CAP's dateTime has
 * no fractions), and always after the message it follows, so an alert, its
 * update and its cancel never share a `sent` and consumers can order by it.
 */
export function issueTime(now: Date, after: Date | null = null): Date {
  const at = toSecond(now).getTime();
  const previous = after ? toSecond(after).getTime() : null;
  return new Date(previous !== null && at <= previous ? previous + 1000 : at);
}

/** A time Faro issued, as published: to the second (CAP's dateTime has no fractions). */
export function toSecond(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
