import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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
