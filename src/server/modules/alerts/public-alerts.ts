import type { PublicAlert } from '../../../shared/alert.js';
import type { Database } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import { renderable } from './alert-views.js';
import { activeActualAlerts, findAlert } from './alerts.repo.js';
import { atomFeed } from './feed.js';
import type { Publishing } from './publishing.js';
import { capDocument, publicAlert } from './render.js';

/**
 * What anyone may read: actual alerts in force, as JSON, CAP and Atom. Exercise
 * and test alerts are not public, whatever is asked; every output passes the
 * guard again as it is made.
 */
export interface PublicAlerts {
  active(zoneId?: string): Promise<PublicAlert[]>;
  /** The CAP document of a published actual alert (also after it ended, so references resolve). */
  cap(id: string): Promise<string>;
  feed(base: string): Promise<string>;
}

export function createPublicAlerts(deps: {
  database: Database;
  coalitions: CoalitionService;
  publishing: Publishing;
  now?: () => Date;
  /** An alert the guard stopped on its way out (it never should: submit and approve check first). */
  onBlocked: (alertId: string, error: unknown) => void;
}): PublicAlerts {
  const { database } = deps;
  const now = deps.now ?? (() => new Date());

  async function activeRenderables(zoneId?: string) {
    const coalition = await deps.coalitions.current();
    const rows = await activeActualAlerts(database.db, coalition.id, now(), zoneId);
    return Promise.all(rows.map((row) => renderable(database.db, row)));
  }

  /** Keeps what passes the guard. */
  function passing<T>(alertId: string, make: () => T): T[] {
    try {
      return [make()];
    } catch (error) {
      deps.onBlocked(alertId, error);
      return [];
    }
  }

  return {
    async active(zoneId) {
      const ctx = await deps.publishing.context();
      const alerts = await activeRenderables(zoneId);
      return alerts.flatMap((alert) => passing(alert.id, () => publicAlert(alert, ctx)));
    },

    async cap(id) {
      const coalition = await deps.coalitions.current();
      const row = await findAlert(database.db, coalition.id, id);
      if (row?.state !== 'published' || row.capStatus !== 'Actual')
        throw new AppError('NOT_FOUND', 'No public alert with this id.');
      const alert = await renderable(database.db, row);
      const ctx = await deps.publishing.context();
      // What the guard found is never shown to the public, not even in the error.
      const [document] = passing(alert.id, () => capDocument(alert, ctx));
      if (!document) throw new AppError('NOT_FOUND', 'No public alert with this id.');
      return document;
    },

    async feed(base) {
      const ctx = await deps.publishing.context();
      const alerts = await activeRenderables();
      const entries = alerts.flatMap((alert) =>
        passing(alert.id, () => {
          const json = publicAlert(alert, ctx);
          return {
            id: alert.id,
            title: json.content.en.headline,
            summary: json.content.en.body,
            sent: new Date(json.sent),
            capXml: capDocument(alert, ctx),
          };
        }),
      );
      return atomFeed({
        base,
        title: ctx.senderName,
        updated: entries[0]?.sent ?? new Date(Math.floor(now().getTime() / 300_000) * 300_000),
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
