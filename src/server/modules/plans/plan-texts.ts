import { AppError } from '../../http/errors.js';
import { type CodeText, parseCodeText } from '../sms/code-text.js';
import type { PlanService } from './plans.service.js';

/**
 * `PLAN <code> <PIN>` (or `ACTIVAR <code> <PIN>`), from any phone, read as every code-and-PIN text
 * is (sms/code-text.ts): "plan de redada en la escuela 1234" is a report, and stays one.
 */
export const parsePlanText = (body: string): CodeText | null =>
  parseCodeText(body, { plan: null, activar: 'es' });

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
