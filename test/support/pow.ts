import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';

/** Solves a challenge from `GET /api/reports/challenge` as the browser does; returns the report's header. */
export async function solvePow(answer: {
  required: boolean;
  challenge?: unknown;
}): Promise<Record<string, string>> {
  if (!answer.required) return {};
  const challenge = answer.challenge as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no solution');
  return { 'x-faro-pow': Buffer.from(JSON.stringify({ challenge, solution })).toString('base64') };
}

/** Fetches and solves a challenge from a running server. */
export async function powHeader(baseUrl: string): Promise<Record<string, string>> {
  const answer = (await (await fetch(`${baseUrl}/api/reports/challenge`)).json()) as {
    required: boolean;
    challenge?: unknown;
  };
  return solvePow(answer);
}
