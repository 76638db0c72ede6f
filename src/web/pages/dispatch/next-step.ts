import type { IncidentStatus } from '../../../shared/report-fields.js';

/** Where an assignment stands, as far as the next step depends on it. */
export interface SentResponder {
  state: string;
  outcome: 'confirmed' | 'not_confirmed' | 'uncertain' | null;
}

/**
 * The one thing the board offers as the primary action for an incident: the
 * verdict the responders' reports point to, else the step that gets there
 * (send someone; wait for them), and after a verdict what follows it (an
 * alert; a rumor check). Everything else stays a secondary action.
 */
export type NextStep =
  | { kind: 'verdict'; status: 'confirmed' | 'not_confirmed' }
  | { kind: 'offer' }
  | { kind: 'wait' }
  | { kind: 'draft_alert' }
  | { kind: 'rumor_check' }
  | { kind: 'none' };

const ENGAGED = ['offered', 'accepted', 'en_route', 'on_scene'];

export function nextStep(
  status: IncidentStatus,
  sent: readonly SentResponder[],
  may: { offer: boolean; alert: boolean },
): NextStep {
  if (status === 'confirmed') return may.alert ? { kind: 'draft_alert' } : { kind: 'none' };
  if (status === 'not_confirmed') return may.alert ? { kind: 'rumor_check' } : { kind: 'none' };
  if (status !== 'open') return { kind: 'none' };
  const outcomes = sent.flatMap((s) => (s.state === 'reported' && s.outcome ? [s.outcome] : []));
  // Anyone who saw it confirms it; "nobody there" from every report points the other way.
  if (outcomes.includes('confirmed')) return { kind: 'verdict', status: 'confirmed' };
  if (outcomes.length > 0 && outcomes.every((o) => o === 'not_confirmed'))
    return { kind: 'verdict', status: 'not_confirmed' };
  if (sent.some((s) => ENGAGED.includes(s.state))) return { kind: 'wait' };
  return may.offer ? { kind: 'offer' } : { kind: 'none' };
}
