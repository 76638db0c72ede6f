import type { Permission } from '../../../shared/permissions.js';
import type { AssignmentState } from '../dispatch/assignment-flow.js';

/**
 * Who may do what with evidence, as one set of rules:
 * - record on an incident: a responder out on it (accepted, on the way, on scene — or who has
 *   just reported from it), or a person who manages incidents (a file a caller sent, say);
 * - see that items exist and their facts (type, length, hash, state): `evidence:read`, and the
 *   recorder for their own items;
 * - open originals, the custody log, holds and exports: the legal team (`evidence:legal`).
 * Anyone else is told the item does not exist.
 */
export const ENGAGED_OR_DONE: readonly AssignmentState[] = ['accepted', 'en_route', 'on_scene', 'reported'];

type Who = { userId: string; permissions: readonly Permission[] };

export const recordsForAnyIncident = (who: Who) => who.permissions.includes('incidents:manage');

export const seesEvidenceFacts = (who: Who, item: { recordedBy: string }) =>
  who.permissions.includes('evidence:read') ||
  who.permissions.includes('evidence:legal') ||
  item.recordedBy === who.userId;

export const opensOriginals = (who: Who) => who.permissions.includes('evidence:legal');
