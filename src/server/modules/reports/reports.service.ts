import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Permission } from '../../../shared/permissions.js';
import { publicTime } from '../../../shared/public.js';
import { normalizeReceipt } from '../../../shared/receipt.js';
import {
  type IncidentStatus,
  LIMITS,
  type ReceiptStatus,
  type ReportSummary,
  type reportInputSchema,
} from '../../../shared/report.js';
import { isVerdict } from '../../../shared/report-fields.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Tx } from '../../db/database.js';
import { groupCommit, integrityViolation } from '../../db/group-commit.js';
import { AppError } from '../../http/errors.js';
import type { ReportIntake } from '../../metrics/metrics.js';
import type { ZoneService } from '../zones/zones.service.js';
import { openCallback, sealCallback } from './callback.js';
import type { PhotoService } from './photos.js';
import { newReceipt } from './receipt.js';
import { visibleExactLocation, visibleReport } from './reports.policy.js';
import {
  findPlainMarkings,
  findReceiptStatus,
  findReportBySource,
  findReportSummary,
  findSealed,
  insertReportAnnounced,
  insertReportsAnnounced,
  type NewReportRow,
  type Reveal,
  replaceSealedMarkings,
} from './reports.repo.js';
import { openRestricted, sealRestricted } from './restricted.js';

type ReportInput = z.output<typeof reportInputSchema>;

/**
 * What a report sent with a send key is found again by (`reports.source_ref`): a digest of the
 * key and the coalition, so that a key means nothing in another coalition and is not kept as sent.
 */
export function sendKeyRef(coalitionId: string, sendKey: string): string {
  return `key:${createHash('sha256').update(`${coalitionId}\n${sendKey}`).digest('base64url')}`;
}
type Channel = ReportSummary['channel'];

/** What a channel adds to a report beyond the form's fields. */
export interface IntakeExtras {
  /** The provider's message id: the same message delivered again returns the first report. */
  sourceRef?: string | undefined;
  /** A number to call the reporter back on, sealed and deleted after 72 hours. */
  callback?: string | undefined;
  /** A keyed digest of an SMS sender's number (see `reports.sender_digest`). */
  senderDigest?: string | undefined;
  /** Posted from the form without scripts (counted apart in /metrics: no proof of work ran). */
  scriptless?: true;
  /** Runs inside the report's transaction once it is stored (queueing a reply, say). */
  afterStore?: ((tx: Tx, report: { id: string; receipt: string }) => Promise<void>) | undefined;
}

export interface ReportService {
  /**
   * Stores a report and announces it (`report.created`, which wakes the
   * grouper: grouping into an incident follows, off the request path);
   * resolves only after it is committed. `duplicate` is true when the
   * message, or a report with the same send key, was already stored (nothing
   * new was written; its id and receipt are the first one's).
   */
  create(
    coalitionId: string,
    input: ReportInput,
    channel: Channel,
    extras?: IntakeExtras,
  ): Promise<{
    id: string;
    receipt: string;
    duplicate: boolean;
    photosAttached?: number;
  }>;
  statusByReceipt(code: string): Promise<ReceiptStatus>;
  /** One report with its exact position, as far as the reader's permissions allow. */
  detail(
    coalitionId: string,
    id: string,
    permissions: readonly Permission[],
  ): Promise<{
    report: ReportSummary;
    exactLocation: { lat: number; lng: number } | null;
    callback: string | null;
  }>;
  /**
   * Seals the markings of reports stored while they were kept in the clear
   * (once, at a worker's start; idempotent). Returns how many were sealed.
   */
  sealPlainMarkings(): Promise<number>;
}

const UNIQUE_VIOLATION = '23505';
const RECEIPT_ATTEMPTS = 5;
/** The unique index on receipt codes (schema/reports.ts): the one broken key a new draw mends. */
const RECEIPT_KEY = 'reports_receipt';
/**
 * Report inserts outside a transaction go by group commit: in a surge, the reports that come in
 * while two statements are on their way go together in the next (up to 16 rows: the statement's
 * text grows with them, and each count is a statement of its own prepared once per connection).
 * Two at once keep the database busy while the next batch gathers; a lone report goes at once.
 */
const INSERT_BATCHES = { inFlight: 2, maxBatch: 16 } as const;

function checkObservedAt(observedAt: Date, now: Date): void {
  const problem =
    observedAt.getTime() > now.getTime() + LIMITS.observedFutureSkewMinutes * 60_000
      ? 'is in the future'
      : observedAt.getTime() < now.getTime() - LIMITS.observedMaxAgeHours * 3_600_000
        ? `is more than ${LIMITS.observedMaxAgeHours / 24} days ago`
        : null;
  if (problem) {
    throw new AppError('VALIDATION', `The time observed ${problem}.`, {
      fields: [{ field: 'observedAt', message: problem }],
    });
  }
}

/** What a reporter sees: the incident's verdict once there is one. */
function receiptStatusOf(
  own: ReceiptStatus['status'],
  incident: IncidentStatus | null,
): ReceiptStatus['status'] {
  return isVerdict(incident) ? incident : own;
}

export function createReportService(deps: {
  database: Database;
  zones: ZoneService;
  box: SecretBox;
  now?: () => Date;
  /** Called after each stored report (the grouper starts grouping it; /metrics counts it). */
  onStored?: (intake: ReportIntake) => void;
  photos?: PhotoService;
}): ReportService {
  const { database } = deps;
  const now = deps.now ?? (() => new Date());
  const reveal: Reveal = (reportId, sealed) => openRestricted(deps.box, reportId, sealed);
  const insertGathered = groupCommit(
    (rows: readonly NewReportRow[]) => insertReportsAnnounced(database.db, rows),
    // A batch refused for one row (its receipt drawn twice) goes again row by row: only that row fails.
    { ...INSERT_BATCHES, retryAlone: integrityViolation },
  );

  return {
    async create(coalitionId, input, channel, extras = {}) {
      // A provider's message id, or else the form's send key (the public form's, the hotline's, the
      // field's): the same report sent again — its answer lost, a 503 whose commit still landed — is found.
      const sourceRef =
        extras.sourceRef ?? (input.sendKey ? sendKeyRef(coalitionId, input.sendKey) : undefined);
      const photoIds = input.photoIds ?? [];
      /** The report this one was already stored as, if it was (sent again, its answer lost). */
      const storedBefore = async () => {
        const seen = sourceRef ? await findReportBySource(database.db, channel, sourceRef) : undefined;
        if (!seen) return undefined;
        // What its first sending attached.
        const attached =
          deps.photos && photoIds.length > 0 ? await deps.photos.attached(coalitionId, seen.id, photoIds) : 0;
        return { ...seen, duplicate: true, photosAttached: attached };
      };
      const observedAt = new Date(input.observedAt);
      let location: Awaited<ReturnType<ZoneService['resolveLocation']>>;
      try {
        checkObservedAt(observedAt, now());
        location = await deps.zones.resolveLocation(coalitionId, input.location);
      } catch (error) {
        // Stored before, and refused now (the outbox sent it again more than a week on, or its zone
        // is gone): the first one's receipt, not a refusal that would make the phone forget it.
        const seen = error instanceof AppError ? await storedBefore() : undefined;
        if (seen) return seen;
        throw error;
      }
      const hasExactLocation = input.location.lat !== undefined && input.location.lng !== undefined;
      const place = input.location.place || null;
      for (let attempt = 1; ; attempt++) {
        const receipt = newReceipt();
        // The id is made here so the sealed fields can be bound to it.
        const id = randomUUID();
        const row = {
          id,
          coalitionId,
          receipt,
          channel,
          language: input.language,
          activity: input.activity,
          agents: input.size.agents ?? null,
          vehicles: input.size.vehicles ?? null,
          uniforms: input.uniforms,
          equipment: input.equipment,
          firsthand: input.firsthand,
          zoneId: location.zoneId,
          h3Cell: location.h3Cell,
          fineCell: location.fineCell,
          hasExactLocation,
          hasPlace: place !== null,
          sourceRef: sourceRef ?? null,
          senderDigest: extras.senderDigest ?? null,
          callback: extras.callback ? sealCallback(deps.box, id, extras.callback) : null,
          restricted: sealRestricted(deps.box, id, {
            lat: input.location.lat ?? null,
            lng: input.location.lng ?? null,
            place,
            description: input.description || null,
            markings: input.markings || null,
          }),
          observedAt,
        };
        try {
          // Grouping into incidents happens right after, off the request path (see grouper.ts):
          // in a surge, intake stays as fast as a plain insert.
          let photosAttached = 0;
          const stored =
            extras.afterStore || photoIds.length > 0
              ? await database.transaction(
                  async (tx) => {
                    const inserted = await insertReportAnnounced(tx.db, row);
                    if (inserted) {
                      await extras.afterStore?.(tx, { id, receipt });
                      if (deps.photos)
                        photosAttached = await deps.photos.claim(tx.db, coalitionId, id, photoIds, now());
                    }
                    return inserted;
                  },
                  { hot: true },
                )
              : await insertGathered(row);
          if (!stored) {
            const seen = await storedBefore();
            if (seen) return seen;
            // Never a receipt for a report that is not stored.
            throw new Error('the report was not stored');
          }
          deps.onStored?.(extras.scriptless ? 'web_scriptless' : channel);
          return { id, receipt, duplicate: false, photosAttached };
        } catch (error) {
          // A receipt code drawn twice: draw another (any other broken key is not the draw's fault).
          const { code, constraint } = error as { code?: string; constraint?: string };
          const collided = code === UNIQUE_VIOLATION && constraint === RECEIPT_KEY;
          if (!collided || attempt >= RECEIPT_ATTEMPTS) throw error;
        }
      }
    },

    async statusByReceipt(code) {
      const receipt = normalizeReceipt(code);
      if (!receipt) {
        throw new AppError('VALIDATION', 'A receipt code has 8 letters and digits, like K7M4-QP2X.', {
          fields: [{ field: 'code', message: 'is not a receipt code' }],
        });
      }
      const row = await findReceiptStatus(database.db, receipt);
      if (!row)
        throw new AppError('NOT_FOUND', 'No report has this receipt code. Check the code and try again.');
      const updatedAt =
        row.incidentActivityAt && row.incidentActivityAt > row.updatedAt
          ? row.incidentActivityAt
          : row.updatedAt;
      return {
        receipt,
        status: receiptStatusOf(row.status, row.incidentStatus),
        receivedAt: publicTime(row.receivedAt).toISOString(),
        updatedAt: publicTime(updatedAt).toISOString(),
      };
    },

    async detail(coalitionId, id, permissions) {
      const report = await findReportSummary(database.db, coalitionId, id, reveal);
      if (!report) throw new AppError('NOT_FOUND', 'No report with this id.');
      const sealed = await findSealed(database.db, coalitionId, id);
      const { lat, lng } = openRestricted(
        deps.box,
        id,
        report.hasExactLocation ? (sealed?.restricted ?? null) : null,
      );
      const exact = lat !== null && lng !== null ? { lat, lng } : null;
      return {
        report: visibleReport(report, permissions),
        exactLocation: visibleExactLocation(exact, permissions),
        callback: permissions.includes('reports:read-callback')
          ? openCallback(deps.box, id, sealed?.callback ?? null)
          : null,
      };
    },

    async sealPlainMarkings() {
      let sealed = 0;
      for (;;) {
        const batch = await findPlainMarkings(database.db, 500);
        let changed = 0;
        for (const row of batch) {
          if (row.markings === null) continue;
          const fields = { ...openRestricted(deps.box, row.id, row.restricted), markings: row.markings };
          const restricted = sealRestricted(deps.box, row.id, fields);
          if (await replaceSealedMarkings(database.db, row.id, row.markings, restricted)) changed++;
        }
        sealed += changed;
        // A batch in which nothing could be sealed (purged or taken meanwhile) ends it.
        if (batch.length < 500 || changed === 0) return sealed;
      }
    },
  };
}
