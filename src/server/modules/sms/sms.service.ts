import type { SecretBox } from '../../crypto/secret-box.js';
import type { Tx } from '../../db/database.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import type { ReportService } from '../reports/reports.service.js';
import type { ZoneService } from '../zones/zones.service.js';
import type { SmsReply } from './sms-reply.job.js';
import { detectLanguage, findZoneNamed, guessActivity, soundsFirsthand } from './sms-text.js';

/** The fields of an inbound SMS webhook that Faro reads (Twilio's names). */
export interface InboundSms {
  From: string;
  Body: string;
  MessageSid: string;
  NumMedia?: string | undefined;
}

export interface SmsIntake {
  /**
   * Turns a text into a report and queues the reply with its receipt code, in
   * one transaction. The same message delivered again changes nothing.
   */
  receive(sms: InboundSms): Promise<{ receipt: string | null; duplicate: boolean }>;
}

/** The longest text kept from one message (a long SMS is at most 10 segments). */
const BODY_LIMIT = 1600;

export function createSmsIntake(deps: {
  reports: ReportService;
  zones: ZoneService;
  coalitions: CoalitionService;
  box: SecretBox;
  /** Queues a reply inside the report's transaction. */
  enqueueReply: (reply: SmsReply, tx: Tx | null) => Promise<void>;
}): SmsIntake {
  const sealTo = (to: string, ref: string) => deps.box.seal(to, `sms-reply:${ref}`);

  return {
    async receive(sms) {
      const body = sms.Body.trim().slice(0, BODY_LIMIT);
      const language = detectLanguage(body);
      if (!body) {
        // Nothing to report (a photo alone is not fetched yet): say what the line is for.
        await deps.enqueueReply(
          { ref: sms.MessageSid, to: sealTo(sms.From, sms.MessageSid), language, kind: 'empty' },
          null,
        );
        return { receipt: null, duplicate: false };
      }
      const coalition = await deps.coalitions.current();
      const zone = findZoneNamed(body, await deps.zones.list(coalition.id));
      const created = await deps.reports.create(
        {
          language,
          activity: guessActivity(body),
          size: {},
          uniforms: [],
          equipment: [],
          firsthand: soundsFirsthand(body),
          observedAt: new Date().toISOString(),
          // A text may say nothing usable about where; it is kept, and the reply asks.
          location: zone ? { zoneId: zone.id } : {},
          description: body,
          photoIds: [],
        },
        'sms',
        {
          sourceRef: sms.MessageSid,
          afterStore: (tx, report) =>
            deps.enqueueReply(
              {
                ref: sms.MessageSid,
                to: sealTo(sms.From, sms.MessageSid),
                language,
                kind: 'receipt',
                receipt: report.receipt,
                askLocation: !zone,
              },
              tx,
            ),
        },
      );
      return { receipt: created.receipt, duplicate: created.duplicate };
    },
  };
}
