import type { Language } from '../../../shared/report-fields.js';
import { AppError } from '../../http/errors.js';
import type { PlanService } from './plans.service.js';

/**
 * `PLAN <code> <PIN>` (or `ACTIVAR <code> <PIN>`), from any phone: the code typed as one group or
 * two (a dash or a space inside it), 8 to 12 letters and digits. Null when the text is not that —
 * "plan de redada en la escuela 1234" is a report, and stays one.
 */
export function parsePlanText(body: string): { code: string; pin: string; language: Language | null } | null {
  const match = body
    .trim()
    .match(/^(plan|activar)\s+([A-Za-z0-9]+(?:\s*-\s*|\s+)?[A-Za-z0-9]*)\s+(\d{4,12})$/i);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  const symbols = match[2].replace(/[\s-]/g, '');
  if (symbols.length < 8 || symbols.length > 12) return null;
  return { code: match[2], pin: match[3], language: match[1].toLowerCase() === 'activar' ? 'es' : null };
}

export type PlanTextAnswer =
  | { kind: 'planActivated' | 'planTested' | 'planNoMatch' | 'planDeactivated' }
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
