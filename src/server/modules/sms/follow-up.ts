import type { Verdict } from '../../../shared/report-fields.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Tx } from '../../db/database.js';
import type { Platform } from '../../platform.js';
import { openCallback } from '../reports/callback.js';
import { reportFollowUps } from '../reports/follow-ups.js';
import { type SmsReply, smsReplyJobType } from './sms-reply.job.js';

/**
 * Texts the SMS reporters of an incident who replied YES when a dispatcher
 * gives it a verdict — in each reporter's language, queued in the same
 * transaction as the verdict. Closing is the last text: the number is
 * forgotten then (and in any case 72 hours after the report).
 */
export function smsFollowUps(deps: { box: SecretBox; enqueue: (reply: SmsReply, tx: Tx) => Promise<void> }) {
  return async (tx: Tx, incidentId: string, verdict: Verdict): Promise<void> => {
    const reporters = await reportFollowUps.of(tx.db, incidentId);
    for (const reporter of reporters) {
      const number = openCallback(deps.box, reporter.id, reporter.callback);
      if (!number) continue;
      const ref = `${reporter.id}:${verdict}`;
      await deps.enqueue(
        {
          ref,
          to: deps.box.seal(number, `sms-reply:${ref}`),
          language: reporter.language,
          kind: 'followUp',
          receipt: reporter.receipt,
          status: verdict,
        },
        tx,
      );
    }
    if (verdict === 'closed')
      await reportFollowUps.end(
        tx.db,
        reporters.map((r) => r.id),
      );
  };
}

/** The verdict hook that texts reporters, where this network has SMS (none otherwise). */
export function textReportersOnVerdict(platform: Pick<Platform, 'box' | 'jobs' | 'sms'>) {
  if (!platform.sms) return undefined;
  return smsFollowUps({
    box: platform.box,
    enqueue: async (reply, tx) => void (await platform.jobs.send(smsReplyJobType, reply, tx.client)),
  });
}
