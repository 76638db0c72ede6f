import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/sha';
import { api } from './api.js';

/**
 * The public form's proof of work (ALTCHA): fetched and solved in the
 * background as soon as the form opens, so it is usually done before the
 * person has finished typing. The header for one report, or none when the
 * server does not ask for it.
 */
let pending: Promise<Record<string, string>> | null = null;

async function solve(): Promise<Record<string, string>> {
  const answer = await api<{ required: boolean; challenge?: Challenge }>('/api/reports/challenge');
  if (!answer.required || !answer.challenge) return {};
  const solution = await solveChallenge({ challenge: answer.challenge, deriveKey });
  if (!solution) throw new Error('proof of work not found');
  const payload = JSON.stringify({ challenge: answer.challenge, solution });
  return { 'x-faro-pow': btoa(payload) };
}

/** Starts solving a challenge for the next report (if not already). */
export function prepareProofOfWork(): void {
  pending ??= solve();
  // A failure (offline) is retried when the report is sent.
  pending.catch(() => {
    pending = null;
  });
}

/** The header for one report or photo; each solved challenge is used once, and the next is started. */
export async function takeProofOfWork(): Promise<Record<string, string>> {
  prepareProofOfWork();
  const current = pending ?? solve();
  pending = null;
  // Photos go ahead of the report: the report's own challenge is solved while they upload.
  prepareProofOfWork();
  return current;
}
