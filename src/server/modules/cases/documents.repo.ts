import { and, asc, eq } from 'drizzle-orm';
import type { Drizzle } from '../../db/database.js';
import { caseDocuments, users } from '../../db/schema.js';

/** The only writer of case_documents (a case's documents as the case knows them: title, who added it). */

export async function insertDocument(db: Drizzle, row: typeof caseDocuments.$inferInsert): Promise<void> {
  await db.insert(caseDocuments).values(row);
}

/** The documents of a case, oldest first, with the name of who added each. */
export function documentsOf(db: Drizzle, caseId: string) {
  return db
    .select({ document: caseDocuments, addedBy: users.displayName })
    .from(caseDocuments)
    .leftJoin(users, eq(users.id, caseDocuments.addedBy))
    .where(eq(caseDocuments.caseId, caseId))
    .orderBy(asc(caseDocuments.createdAt), asc(caseDocuments.id));
}

/** A document of this case (none of another's). */
export async function findCaseDocument(db: Drizzle, caseId: string, id: string) {
  const [row] = await db
    .select()
    .from(caseDocuments)
    .where(and(eq(caseDocuments.caseId, caseId), eq(caseDocuments.id, id)));
  return row;
}

export async function deleteCaseDocument(db: Drizzle, caseId: string, id: string): Promise<void> {
  await db.delete(caseDocuments).where(and(eq(caseDocuments.caseId, caseId), eq(caseDocuments.id, id)));
}
