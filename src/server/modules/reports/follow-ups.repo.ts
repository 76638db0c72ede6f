// The SMS module's view of reports (a sender's latest report, the numbers kept to text the outcome): the reports module writes them.
import { and, desc, eq, gt, isNotNull } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { reports } from '../../db/schema.js';

/** The newest SMS report from this sender since the given time. */
export async function latestFromSender(db: Drizzle, coalitionId: string, senderDigest: string, since: Date) {
  const [row] = await db
    .select({
      id: reports.id,
      receipt: reports.receipt,
      language: reports.language,
      receivedAt: reports.receivedAt,
    })
    .from(reports)
    .where(
      and(
        eq(reports.coalitionId, coalitionId),
        eq(reports.channel, 'sms'),
        eq(reports.senderDigest, senderDigest),
        gt(reports.receivedAt, since),
      ),
    )
    .orderBy(desc(reports.receivedAt))
    .limit(1);
  return row;
}

/** Keeps the sender's number (sealed) to text them the outcome. */
export async function optIn(db: Drizzle, reportId: string, sealedNumber: string): Promise<void> {
  await db.update(reports).set({ followUp: true, callback: sealedNumber }).where(eq(reports.id, reportId));
}

/** STOP: forgets every number kept for this sender. */
export async function optOut(db: Drizzle, senderDigest: string): Promise<number> {
  const changed = await db
    .update(reports)
    .set({ followUp: false, callback: null })
    .where(and(eq(reports.senderDigest, senderDigest), isNotNull(reports.callback)))
    .returning({ id: reports.id });
  return changed.length;
}

/** The SMS reporters of an incident who asked to hear the outcome. */
export async function followUpsOf(db: Drizzle, incidentId: string) {
  return db
    .select({
      id: reports.id,
      receipt: reports.receipt,
      language: reports.language,
      callback: reports.callback,
    })
    .from(reports)
    .where(and(eq(reports.incidentId, incidentId), eq(reports.followUp, true), isNotNull(reports.callback)));
}

/** After the last text (the incident closed), the number is not needed any more. */
export async function endFollowUp(db: Drizzle, reportIds: readonly string[]): Promise<void> {
  for (const id of reportIds) {
    await db.update(reports).set({ followUp: false, callback: null }).where(eq(reports.id, id));
  }
}
