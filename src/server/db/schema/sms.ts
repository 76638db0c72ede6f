import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Inbound texts the SMS module has answered (RIGHTS, HELP, the alert keywords): providers
 * deliver a message again when an acknowledgement is lost, and a redelivery must not be
 * answered twice. Only the provider's message id and when; no number, no words. Rows older
 * than a few days are deleted by the retention job (providers stop retrying within hours).
 */
export const smsAnswered = pgTable(
  'sms_answered',
  {
    messageSid: text('message_sid').primaryKey(),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sms_answered_answered_at').on(t.answeredAt)],
);

/**
 * How many answers of what the line offers (RIGHTS, HELP, ZONES, how to subscribe) went to one
 * number in the current hour, shared by every Faro process (db/windowed-count.ts). The key is 24
 * bits of the keyed digest of the number, so each row stands for many numbers and names none; the
 * window starts on the hour. Rows of past hours are deleted on the way.
 */
export const smsInfoQuota = pgTable('sms_info_quota', {
  key: text('key').primaryKey(),
  windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
});

/**
 * When the next segment may leave through a sending number (the provider's messages-per-second
 * limit counts every text from it: alerts, replies, receipts, plans), shared by every Faro process:
 * each send books its segments with one update on the database's clock and waits for its slot
 * (modules/sms/sms-pacing.repo.ts). One row per sending number; no recipient, no words.
 */
export const smsPacing = pgTable('sms_pacing', {
  sender: text('sender').primaryKey(),
  nextSlot: timestamp('next_slot', { withTimezone: true }).notNull(),
});
