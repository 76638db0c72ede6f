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

/**
 * A plan activated by text: what to answer the sender, or null when there is nothing to say (a
 * repeat delivery). A message the provider delivers again is neither tried again (a wrong PIN
 * would count twice towards the back-off and the "someone is trying" notice) nor answered again.
 */
export function createPlanTexts(plans: Pick<PlanService, 'activate' | 'textAnswered' | 'answerText'>) {
  const once = async (sourceRef: string, answer: PlanTextAnswer) =>
    (await plans.answerText(sourceRef)) ? answer : null;
  return {
    async activate(
      coalitionId: string,
      sms: { from: string; messageSid: string; code: string; pin: string },
    ): Promise<PlanTextAnswer | null> {
      const sourceRef = `sms:${sms.messageSid}`;
      if (await plans.textAnswered(sourceRef)) return null;
      try {
        const result = await plans.activate(
          coalitionId,
          { code: sms.code, pin: sms.pin },
          { channel: 'sms', sourceRef, sender: { kind: 'phone', value: sms.from } },
        );
        if (result.duplicate) return null;
        return once(sourceRef, { kind: result.test ? 'planTested' : 'planActivated' });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'NOT_FOUND') return once(sourceRef, { kind: 'planNoMatch' });
        if (error.code === 'INVALID_TRANSITION') return once(sourceRef, { kind: 'planDeactivated' });
        if (error.code === 'CONFLICT') return once(sourceRef, { kind: 'planAlreadyActive' });
        if (error.code === 'RATE_LIMITED') {
          const seconds = Number(error.details?.retryAfterSeconds ?? 60);
          return once(sourceRef, { kind: 'planBlocked', minutes: Math.max(1, Math.ceil(seconds / 60)) });
        }
        throw error;
      }
    },

    /** Whether to answer a garbled plan text with the format: once per provider message. */
    answerFormat: async (messageSid: string): Promise<boolean> => plans.answerText(`sms:${messageSid}`),
  };
}
export type PlanTexts = ReturnType<typeof createPlanTexts>;
