import type { PublicAlert } from '../../../shared/alert.js';
import { publicTime } from '../../../shared/public.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import type { Coalition } from '../coalitions/coalitions.service.js';
import { renderable } from './alert-views.js';
import { activePublicDocuments, findAlert, publicDocumentsOf, storeDocuments } from './alerts.repo.js';
import { atomFeed } from './feed.js';
import type { Publishing } from './publishing.js';
import { type PublicDocuments, publicDocuments } from './render.js';

/**
 * What anyone may read: actual alerts in force, as JSON, CAP and Atom. Exercise
 * and test alerts are not public, whatever is asked. Each alert's JSON and CAP
 * were made once, through the guard, when it was published, and are kept with
 * it in the database (so every process serves the same): a read serves them
 * as stored and never runs the guard. An alert published before documents were
 * kept is rendered — through the guard — at its first read, and kept.
 */
export interface PublicAlerts {
  active(coalitionId: string, zoneId?: string): Promise<PublicAlert[]>;
  /** The CAP document of a published actual alert (also after it ended, so references resolve). */
  cap(coalitionId: string, id: string): Promise<string>;
  /** The Atom feed of the alerts in force, titled with the coalition's name. */
  feed(coalition: Pick<Coalition, 'id' | 'name'>, base: string): Promise<string>;
}

/** What is kept: the documents, or that the guard refused them (with the kinds it found). */
type Stored = PublicDocuments | { blocked: string };

export function createPublicAlerts(deps: {
  database: Database;
  publishing: Publishing;
  now?: () => Date;
  /** An alert the guard stopped on its way out (it never should: submit and approve check first). */
  onBlocked: (alertId: string, error: unknown) => void;
}): PublicAlerts {
  const { database } = deps;
  const now = deps.now ?? (() => new Date());

  /** Renders (guarded) and keeps the documents of an alert that has none yet. */
  async function render(coalitionId: string, id: string): Promise<Stored> {
    const row = await findAlert(database.db, coalitionId, id);
    if (!row) return { blocked: 'missing' };
    const alert = await renderable(database.db, row);
    let stored: Stored;
    try {
      stored = publicDocuments(alert, await deps.publishing.context(coalitionId)) ?? {
        blocked: 'not public',
      };
    } catch (error) {
      // Only the guard's refusal is kept: anything else is a fault, tried again at the next read.
      if (!(error instanceof AppError && error.code === 'BLOCKED_BY_GUARD')) throw error;
      deps.onBlocked(id, error);
      stored = { blocked: guardKinds(error) };
    }
    await storeDocuments(database.db, id, stored);
    return stored;
  }

  async function documents(coalitionId: string, row: { id: string; documents: unknown }) {
    const stored = (row.documents as Stored | null) ?? (await render(coalitionId, row.id));
    // What the guard found is never shown to the public, not even in the error.
    return 'blocked' in stored ? [] : [stored];
  }

  async function active(coalitionId: string, zoneId?: string) {
    const rows = await activePublicDocuments(database.db, coalitionId, now(), zoneId);
    return (await Promise.all(rows.map((row) => documents(coalitionId, row)))).flat();
  }

  return {
    async active(coalitionId, zoneId) {
      return (await active(coalitionId, zoneId)).map((document) => document.json);
    },

    async cap(coalitionId, id) {
      const row = await publicDocumentsOf(database.db, coalitionId, id);
      const [document] = row ? await documents(coalitionId, row) : [];
      if (!document) throw new AppError('NOT_FOUND', 'No public alert with this id.');
      return document.cap;
    },

    async feed(coalition, base) {
      const entries = (await active(coalition.id)).map(({ json, cap }) => ({
        id: json.id,
        title: json.content.en.headline,
        summary: json.content.en.body,
        sent: new Date(json.sent),
        capXml: cap,
      }));
      return atomFeed({
        base,
        title: coalition.name,
        updated: entries[0]?.sent ?? publicTime(now()),
        entries,
      });
    },
  };
}

/** The kinds of what the guard found ("phone, plate"), never the text itself. */
export function guardKinds(error: unknown): string {
  const findings =
    error instanceof AppError ? (error.details?.findings as { kind: string }[] | undefined) : undefined;
  return findings ? findings.map((f) => f.kind).join(', ') : 'unknown';
}
