import type { Database } from '../../db/database.js';
import { smsCost } from '../alerts/sms-segments.js';
import { bookSmsSlot } from './sms-pacing.repo.js';
import { SmsNotSent, type SmsSender } from './twilio.js';

/**
 * Every text through one sending number, paced to its messages-per-second limit across every Faro
 * process: the provider counts them all (alerts, replies, receipts, plans, dispatch), so they all
 * share one bucket, a row of `sms_pacing`. Carriers count segments, not messages: a three-segment
 * Spanish alert takes three slots.
 *
 * Each text books its own slots just before it is sent (never a whole fan-out at once), so a
 * reply waits behind the texts being sent at that moment — at most one per concurrent sender in
 * each process — not behind the rest of an alert's list.
 */
export function pacedSender(
  inner: SmsSender,
  options: {
    database: Database;
    /** The sending number (or messaging service) the limit belongs to. */
    from: string;
    segmentsPerSecond: number;
    sleep?: (ms: number) => Promise<void>;
    /** Told every booking (tests judge the pace by it). */
    onBooked?: (slot: { startsAtMs: number; segments: number }) => void;
  },
): SmsSender {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const segmentMs = 1000 / options.segmentsPerSecond;
  return {
    async send(to, body, more) {
      const { segments } = smsCost(body);
      const slot = await bookSmsSlot(options.database.db, options.from, segments, segmentMs);
      options.onBooked?.({ startsAtMs: slot.startsAtMs, segments });
      if (slot.waitMs > 0) await sleep(slot.waitMs);
      // The wait may have been long (many workers share the number): asked again now.
      if (more?.stillWanted && !(await more.stillWanted())) throw new SmsNotSent();
      return inner.send(to, body);
    },
  };
}
