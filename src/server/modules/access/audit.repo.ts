import { and, desc, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { AuditAction } from '../../../shared/admin.js';
import type { Drizzle } from '../../db/database.js';
import { auditLog, users } from '../../db/schema.js';

export interface AuditFilter {
  action?: AuditAction | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  beforeId?: number | undefined;
}

const conditions = (coalitionId: string, filter: AuditFilter): SQL | undefined =>
  and(
    eq(auditLog.coalitionId, coalitionId),
    filter.action ? eq(auditLog.action, filter.action) : undefined,
    filter.actorId ? eq(auditLog.actorId, filter.actorId) : undefined,
    filter.from ? gte(auditLog.at, filter.from) : undefined,
    filter.to ? lt(auditLog.at, filter.to) : undefined,
    filter.beforeId ? lt(auditLog.id, filter.beforeId) : undefined,
  );

/** Audit entries, newest first, with the actor's display name. */
export async function listAudit(db: Drizzle, coalitionId: string, filter: AuditFilter, limit: number) {
  return db
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorId: auditLog.actorId,
      actorName: users.displayName,
      action: auditLog.action,
      subjectType: auditLog.subjectType,
      subjectId: auditLog.subjectId,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(conditions(coalitionId, filter))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}

/** The newest entry of one action for each of the given subjects, with the actor's name. */
export async function latestAuditOf(
  db: Drizzle,
  coalitionId: string,
  action: AuditAction,
  subjectIds: string[],
) {
  const latest = new Map<string, { at: Date; actorId: string | null; actorName: string | null }>();
  if (subjectIds.length === 0) return latest;
  const rows = await db
    .select({
      subjectId: auditLog.subjectId,
      at: auditLog.at,
      actorId: auditLog.actorId,
      actorName: users.displayName,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(
      and(
        eq(auditLog.coalitionId, coalitionId),
        eq(auditLog.action, action),
        inArray(auditLog.subjectId, subjectIds),
      ),
    )
    .orderBy(desc(auditLog.id));
  for (const row of rows) {
    if (row.subjectId && !latest.has(row.subjectId)) latest.set(row.subjectId, row);
  }
  return latest;
}

/** One audit row (the caller's transaction makes it part of the change). */
export async function insertAudit(db: Drizzle, entry: typeof auditLog.$inferInsert): Promise<void> {
  await db.insert(auditLog).values(entry);
}
