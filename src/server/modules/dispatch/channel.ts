import { and, asc, eq, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle } from '../../db/database.js';
import { assignments, incidentMessages, incidents, users } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { recordEvents } from '../../realtime/events.js';
import type { Permission } from '../access/permissions.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import { ENGAGED } from './assignment-flow.js';

/**
 * The incident channel: a thread per incident for dispatchers and the team
 * sent to it. Who may read and write is decided here: a person who can read
 * incidents, or a responder while they hold an assignment on this one
 * (anyone else is told it does not exist). Each message is an event for the
 * board and for every responder on the incident.
 */

export const messageInputSchema = z.object({ text: z.string().trim().min(1).max(2000) });
export const messageListSchema = z.object({
  messages: z.array(
    z.object({
      id: z.number().int(),
      author: z.string(),
      text: z.string(),
      at: z.string(),
      mine: z.boolean(),
    }),
  ),
});
export type MessageList = z.infer<typeof messageListSchema>;

const context = (incidentId: string) => `incident-message:${incidentId}`;

export interface IncidentChannel {
  list(
    incidentId: string,
    reader: { userId: string; permissions: readonly Permission[] },
  ): Promise<MessageList>;
  post(
    incidentId: string,
    author: { userId: string; permissions: readonly Permission[] },
    text: string,
  ): Promise<MessageList>;
}

export function createIncidentChannel(deps: {
  database: Database;
  coalitions: CoalitionService;
  box: SecretBox;
}): IncidentChannel {
  const { database, box } = deps;

  /** The responders engaged on the incident: they may use the channel and hear of each message. */
  async function team(incidentId: string) {
    const rows = await database.db
      .select({ userId: assignments.userId })
      .from(assignments)
      .where(
        and(eq(assignments.incidentId, incidentId), inArray(assignments.state, [...ENGAGED, 'reported'])),
      );
    return rows.map((r) => r.userId);
  }

  async function allowed(incidentId: string, who: { userId: string; permissions: readonly Permission[] }) {
    const coalition = await deps.coalitions.current();
    const [incident] = await database.db
      .select({ id: incidents.id })
      .from(incidents)
      .where(and(eq(incidents.coalitionId, coalition.id), eq(incidents.id, incidentId)));
    const members = incident ? await team(incidentId) : [];
    if (!incident || (!who.permissions.includes('incidents:read') && !members.includes(who.userId)))
      throw new AppError('NOT_FOUND', 'No incident with this id.');
    return { coalitionId: coalition.id, members };
  }

  async function read(incidentId: string, userId: string): Promise<MessageList> {
    const rows = await database.db
      .select({
        id: incidentMessages.id,
        userId: incidentMessages.userId,
        body: incidentMessages.body,
        at: incidentMessages.createdAt,
        author: users.displayName,
      })
      .from(incidentMessages)
      .innerJoin(users, eq(users.id, incidentMessages.userId))
      .where(eq(incidentMessages.incidentId, incidentId))
      .orderBy(asc(incidentMessages.id))
      .limit(500);
    return {
      messages: rows.map((row) => ({
        id: row.id,
        author: row.author,
        text: box.open(row.body, context(incidentId)),
        at: row.at.toISOString(),
        mine: row.userId === userId,
      })),
    };
  }

  return {
    async list(incidentId, reader) {
      await allowed(incidentId, reader);
      return read(incidentId, reader.userId);
    },
    async post(incidentId, author, text) {
      const { coalitionId, members } = await allowed(incidentId, author);
      await database.transaction(async (tx) => {
        await tx.db
          .insert(incidentMessages)
          .values({ incidentId, userId: author.userId, body: box.seal(text, context(incidentId)) });
        await recordEvents(tx.client, coalitionId, [
          { type: 'incident.updated', subjectId: incidentId },
          ...members.map((userId) => ({ type: 'responder.updated' as const, subjectId: userId })),
        ]);
      });
      return read(incidentId, author.userId);
    },
  };
}

/** Channel messages older than the retention period are deleted with the incident's other restricted data. */
export async function purgeIncidentMessages(db: Drizzle, before: Date): Promise<number> {
  const deleted = await db
    .delete(incidentMessages)
    .where(lt(incidentMessages.createdAt, before))
    .returning({ id: incidentMessages.id });
  return deleted.length;
}
