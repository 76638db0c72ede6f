import { lt } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { smsAnswered } from '../../db/schema.js';
import { takeInWindow } from '../../db/windowed-count.js';

/** How long an inbound text's id is remembered (providers retry for hours, not days). */
export const SMS_ANSWERED_DAYS = 3;

/**
 * Marks an inbound text answered: true the first time (in the caller's transaction, so the
 * reply queued with it and the mark commit together), false for a redelivery.
 */
export async function markAnswered(db: Drizzle, messageSid: string, at: Date): Promise<boolean> {
  const inserted = await db
    .insert(smsAnswered)
    .values({ messageSid, answeredAt: at })
    .onConflictDoNothing()
    .returning({ messageSid: smsAnswered.messageSid });
  return inserted.length > 0;
}

/** Forgets the ids of texts answered before `before`; returns how many. */
export async function purgeAnsweredSms(db: Drizzle, before: Date): Promise<number> {
  const deleted = await db
    .delete(smsAnswered)
    .where(lt(smsAnswered.answeredAt, before))
    .returning({ messageSid: smsAnswered.messageSid });
  return deleted.length;
}

/** One more answer of what the line offers to the number whose key this is: false past `max` this hour. */
export const takeInfoReply = (db: Drizzle, key: string, at: Date, max: number) =>
  takeInWindow(db, 'sms_info_quota', key, at, { windowSeconds: 3600, max });
