import { describe, expect, it } from 'vitest';
import { nextStep } from './next-step.js';

describe('issue 14: one primary action at a time', () => {
  const may = { offer: true, alert: true };
  const reported = (outcome: 'confirmed' | 'not_confirmed' | 'uncertain') => ({ state: 'reported', outcome });

  it('points to the verdict the responders’ reports give', () => {
    expect(nextStep('open', [reported('confirmed')], may)).toEqual({ kind: 'verdict', status: 'confirmed' });
    expect(nextStep('open', [reported('not_confirmed'), reported('confirmed')], may)).toEqual({
      kind: 'verdict',
      status: 'confirmed',
    });
    expect(nextStep('open', [reported('not_confirmed'), reported('not_confirmed')], may)).toEqual({
      kind: 'verdict',
      status: 'not_confirmed',
    });
  });

  it('asks to send someone before any verdict, or to wait for whoever is on the way', () => {
    expect(nextStep('open', [], may)).toEqual({ kind: 'offer' });
    expect(nextStep('open', [{ state: 'declined', outcome: null }], may)).toEqual({ kind: 'offer' });
    expect(nextStep('open', [reported('uncertain')], may)).toEqual({ kind: 'offer' });
    expect(nextStep('open', [{ state: 'en_route', outcome: null }], may)).toEqual({ kind: 'wait' });
    expect(nextStep('open', [], { offer: false, alert: true })).toEqual({ kind: 'none' });
  });

  it('after a verdict, offers what follows it: an alert, or a rumor check', () => {
    expect(nextStep('confirmed', [reported('confirmed')], may)).toEqual({ kind: 'draft_alert' });
    expect(nextStep('not_confirmed', [], may)).toEqual({ kind: 'rumor_check' });
    expect(nextStep('confirmed', [], { offer: true, alert: false })).toEqual({ kind: 'none' });
    expect(nextStep('closed', [reported('confirmed')], may)).toEqual({ kind: 'none' });
  });
});
