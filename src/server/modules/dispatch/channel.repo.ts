import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { assignments, incidentMessages, incidents, users } from '../../db/schema.js';
import { ENGAGED } from './assignment-flow.js';

/** The responders engaged on an incident (and those who reported from it): the channel's team. */
export async function channelTeam(db: Drizzle, incidentId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: assignments.userId })
    .from(assignments)
    .where(and(eq(assignments.incidentId, incidentId), inArray(assignments.state, [...ENGAGED, 'reported'])));
  return rows.map((r) => r.userId);
}

/** Whether the coalition has this incident. */
export async function incidentExists(db: Drizzle, coalitionId: string, incidentId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: incidents.id })
    .from(incidents)
    .where(and(eq(incidents.coalitionId, coalitionId), eq(incidents.id, incidentId)));
  return !!row;
}

/** An incident's channel messages, oldest first, still sealed, with their authors' names. */
export function listChannelMessages(db: Drizzle, incidentId: string, limit: number) {
  return db
    .select({
      id: incidentMessages.id,
      userId: incidentMessages.userId,
      body: incidentMessages.body,
      voice: sql<boolean>`${incidentMessages.audio} is not null`,
      at: incidentMessages.createdAt,
      author: users.displayName,
    })
    .from(incidentMessages)
    .innerJoin(users, eq(users.id, incidentMessages.userId))
    .where(eq(incidentMessages.incidentId, incidentId))
    .orderBy(asc(incidentMessages.id))
    .limit(limit);
}

/** Stores one message (its text and audio already sealed). */
export async function insertChannelMessage(
  db: Drizzle,
  row: typeof incidentMessages.$inferInsert,
): Promise<void> {
  await db.insert(incidentMessages).values(row);
}

/** A voice note's sealed audio and its type. */
export async function findVoiceNote(db: Drizzle, incidentId: string, messageId: number) {
  const [row] = await db
    .select({ audio: incidentMessages.audio, type: incidentMessages.audioType })
    .from(incidentMessages)
    .where(and(eq(incidentMessages.incidentId, incidentId), eq(incidentMessages.id, messageId)));
  return row;
}

/** Channel messages older than the retention period are deleted with the incident's other restricted data. */
export async function purgeIncidentMessages(db: Drizzle, before: Date): Promise<number> {
  const deleted = await db
    .delete(incidentMessages)
    .where(lt(incidentMessages.createdAt, before))
    .returning({ id: incidentMessages.id });
  return deleted.length;
}
