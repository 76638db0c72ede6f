import { endFollowUp, followUpsOf, latestFromSender, optIn, optOut } from './follow-ups.repo.js';

/**
 * The numbers kept on SMS reports to text their senders the outcome: the
 * reports module's service to the SMS module (only the reports module writes
 * a report). Numbers are sealed by the caller (`callback.ts`).
 */
export const reportFollowUps = {
  /** The newest SMS report from this sender since a time. */
  latestFromSender,
  /** Keeps the sender's sealed number on the report, to text them the outcome. */
  optIn,
  /** STOP: forgets every number kept for this sender; returns how many reports had one. */
  optOut,
  /** The SMS reporters of an incident who asked to hear the outcome. */
  of: followUpsOf,
  /** After the last text, the numbers are not needed any more. */
  end: endFollowUp,
};
