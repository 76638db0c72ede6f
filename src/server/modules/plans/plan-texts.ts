import { RECEIPT_ALPHABET } from '../../../shared/receipt.js';
import type { Language } from '../../../shared/report-fields.js';
import { AppError } from '../../http/errors.js';
import type { PlanService } from './plans.service.js';

/** Words people put around the code and the PIN ("PLAN: code ABCDE-FGHJK PIN 1234 por favor"). */
const FILLERS = new Set([
  'pin',
  'code',
  'codigo',
  'clave',
  'plan',
  'my',
  'mi',
  'el',
  'please',
  'por',
  'favor',
  'porfavor',
  'es',
  'is',
]);
const fold = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
/** Symbols of the receipt alphabet only (look-alikes read as what they look like), `length` of them. */
const symbolsOf = (word: string, length: number) => {
  const symbols = word.replace(/-/g, '').toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
  return symbols.length === length && [...symbols].every((ch) => RECEIPT_ALPHABET.includes(ch));
};
/** Whether the words hold something shaped like a plan code: one word of ten symbols, or two of five. */
const holdsCode = (words: string[]) =>
  words.some((word, i) => symbolsOf(word, 10) || (symbolsOf(word, 5) && symbolsOf(words[i + 1] ?? '', 5)));

/**
 * `PLAN <code> <PIN>` (or `ACTIVAR <code> <PIN>`), from any phone: the code typed as one group or
 * two (a dash or a space inside it), the words people add around it forgiven. `malformed` when the
 * text starts with the keyword and holds something code-shaped but no code and PIN can be read:
 * it may hold a PIN, so it is answered with the format and never kept as a report. Null otherwise
 * — "plan de redada en la escuela 1234" is a report, and stays one.
 */
export function parsePlanText(
  body: string,
):
  | { code: string; pin: string; language: Language | null }
  | { malformed: true; language: Language | null }
  | null {
  const words = body
    .trim()
    .replace(/[.!?]+$/, '')
    .split(/[\s,;:]+/)
    .filter(Boolean);
  const keyword = fold(words[0] ?? '');
  if (keyword !== 'plan' && keyword !== 'activar') return null;
  const language: Language | null = keyword === 'activar' ? 'es' : null;
  const rest = words.slice(1).filter((word) => !FILLERS.has(fold(word)));
  if (!holdsCode(rest)) return null;
  const pin = rest.at(-1) ?? '';
  const code = rest.slice(0, -1).join(' ');
  const symbols = code.replace(/[\s-]/g, '');
  if (!/^\d{4,12}$/.test(pin) || !/^[A-Za-z0-9]{8,12}$/.test(symbols)) return { malformed: true, language };
  return { code, pin, language };
}

export type PlanTextAnswer =
  | {
      kind:
        | 'planActivated'
        | 'planTested'
        | 'planNoMatch'
        | 'planDeactivated'
        | 'planAlreadyActive'
        | 'planFormat';
    }
  | { kind: 'planBlocked'; minutes: number };

/** A plan activated by text: what to answer the sender, or null when there is nothing to say (a repeat delivery). */
export function createPlanTexts(plans: Pick<PlanService, 'activate'>) {
  return {
    async activate(
      coalitionId: string,
      sms: { from: string; messageSid: string; code: string; pin: string },
    ): Promise<PlanTextAnswer | null> {
      try {
        const result = await plans.activate(
          coalitionId,
          { code: sms.code, pin: sms.pin },
          { channel: 'sms', sourceRef: `sms:${sms.messageSid}`, sender: { kind: 'phone', value: sms.from } },
        );
        if (result.duplicate) return null;
        return { kind: result.test ? 'planTested' : 'planActivated' };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'NOT_FOUND') return { kind: 'planNoMatch' };
        if (error.code === 'INVALID_TRANSITION') return { kind: 'planDeactivated' };
        if (error.code === 'CONFLICT') return { kind: 'planAlreadyActive' };
        if (error.code === 'RATE_LIMITED') {
          const seconds = Number(error.details?.retryAfterSeconds ?? 60);
          return { kind: 'planBlocked', minutes: Math.max(1, Math.ceil(seconds / 60)) };
        }
        throw error;
      }
    },
  };
}
export type PlanTexts = ReturnType<typeof createPlanTexts>;
