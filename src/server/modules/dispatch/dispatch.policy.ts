import type { AssignmentState } from './assignment-flow.js';

/**
 * The states in which a responder has said yes and is out on the incident: accepted, on the way,
 * on scene. Only then are they told where exactly to go and what to expect.
 */
const OUT_ON_IT: readonly AssignmentState[] = ['accepted', 'en_route', 'on_scene'];

/**
 * Field-level rule: an incident's brief — the cross streets as reported, the consolidated SALUTE
 * and a point finer than public — is for the responder who accepted it, on their own assignment,
 * while they are out on it. An offer not yet answered shows the zone and the activity only (a
 * responder who declines never learned the place), and no one sees it through another's
 * assignment: the caller passes only the asking responder's own rows.
 */
export function seesIncidentBrief(assignment: { state: AssignmentState }): boolean {
  return OUT_ON_IT.includes(assignment.state);
}
