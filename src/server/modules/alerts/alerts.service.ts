import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AuditAction } from '../../../shared/admin.js';
import type {
  AlertPreview,
  AlertTemplate,
  AlertView,
  DeliveryReport,
  draftInputSchema,
  templateInputSchema,
} from '../../../shared/alert.js';
import type { IncidentFacts, IncidentSummary } from '../../../shared/incident.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import type { Database, Drizzle, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import { incidentFacts } from '../incidents/facts.js';
import { alertViews, liveSnapshot, renderable, snapshotOf } from './alert-views.js';
import {
  type AlertRow,
  findAlert,
  insertAlert,
  listAlertRows,
  moveAlert,
  type NewAlert,
  setAlertZones,
  updateAlert,
} from './alerts.repo.js';
import { deliveryReport } from './delivery.repo.js';
import { auditAlert, publishSnapshot } from './publish.js';
import type { Publishing } from './publishing.js';
import {
  capDocument,
  emailMessage,
  type PublicContext,
  pushPayload,
  requireClean,
  smsPreview,
} from './render.js';
import { type AlertSnapshot, snapshotHash } from './snapshot.js';
import { existingZones } from './subscriptions.repo.js';
import { CAP_DEFAULTS, fillTemplate } from './templates.js';
import { msgTypeOf, nextState } from './workflow.js';

type DraftInput = z.output<typeof draftInputSchema>;
type TemplateInput = z.output<typeof templateInputSchema>;

export interface AlertService {
  /** A kind's texts filled in every language, with its CAP defaults and zones. */
  template(input: TemplateInput): Promise<AlertTemplate>;
  createDraft(input: DraftInput, actorId: string): Promise<AlertView>;
  editDraft(id: string, input: DraftInput, actorId: string): Promise<AlertView>;
  submit(id: string, actorId: string): Promise<AlertView>;
  /**
   * Approves and publishes exactly the content submitted, named by its hash (another person than
   * anyone who wrote, changed or submitted it); queues its deliveries.
   */
  approve(id: string, contentHash: string, actorId: string): Promise<AlertView>;
  reject(id: string, reason: string, actorId: string): Promise<AlertView>;
  /** One action: a prepared correction in every language, published at once to the same recipients. */
  cancel(id: string, actorId: string): Promise<AlertView>;
  list(): Promise<AlertView[]>;
  view(id: string): Promise<AlertView>;
  preview(id: string): Promise<AlertPreview>;
  /** The verdict and public facts of the incident the alert is about (what an approver judges it by). */
  incident(id: string): Promise<{ incident: IncidentFacts | null }>;
  deliveryReport(id: string): Promise<DeliveryReport>;
}

export interface AlertServiceDeps {
  database: Database;
  coalitions: CoalitionService;
  publishing: Publishing;
  incidentSummary: (coalitionId: string, id: string) => Promise<IncidentSummary | undefined>;
  timeZone: string;
  now?: () => Date;
  /** Queues the fan-out of a published alert in its transaction. */
  onPublished: (alertId: string, tx: Tx) => Promise<void>;
}

export function createAlertService(deps: AlertServiceDeps): AlertService {
  const { database, publishing } = deps;
  const now = deps.now ?? (() => new Date());

  const { views, viewOf } = alertViews(publishing);

  async function load(tx: Tx, coalitionId: string, id: string) {
    const row = await findAlert(tx.db, coalitionId, id, true);
    if (!row) throw new AppError('NOT_FOUND', 'No alert with this id.');
    return row;
  }

  const facts = (row: AlertRow) => ({
    state: row.state,
    kind: row.kind,
    createdBy: row.createdBy,
    submittedBy: row.submittedBy,
    editors: row.editedBy,
    endedAt: row.endedAt,
    expiresAt: row.expiresAt,
  });

  async function checkZones(db: Drizzle, coalitionId: string, zoneIds: readonly string[]) {
    const found = await existingZones(db, coalitionId, zoneIds);
    if (found.length !== new Set(zoneIds).size) {
      throw new AppError('VALIDATION', 'One of the zones does not exist; choose from the list.', {
        fields: [{ field: 'zoneIds', message: 'unknown zone' }],
      });
    }
    return found;
  }

  /** An update or all clear must follow a published alert that is still in force. */
  async function checkReference(tx: Tx, coalitionId: string, input: DraftInput) {
    const needs = input.kind === 'update' || input.kind === 'all_clear';
    if (!input.referencesId) {
      if (needs)
        throw new AppError('VALIDATION', 'An update or all clear follows an earlier alert.', {
          fields: [{ field: 'referencesId', message: 'required' }],
        });
      return;
    }
    const earlier = await load(tx, coalitionId, input.referencesId);
    nextState(facts(earlier), 'follow_up', '', now());
    if (earlier.capStatus !== input.capStatus)
      throw new AppError('VALIDATION', `A follow-up keeps its alert's status (${earlier.capStatus}).`);
  }

  function draftValues(input: DraftInput) {
    return {
      kind: input.kind,
      capStatus: input.capStatus,
      msgType: msgTypeOf(input.kind),
      incidentId: input.incidentId ?? null,
      referencesId: input.referencesId ?? null,
      content: input.content,
      urgency: input.cap.urgency,
      severity: input.cap.severity,
      certainty: input.cap.certainty,
      // The clock starts at publication.
      expiresInMinutes: input.cap.expiresInMinutes,
    };
  }

  const audit = (tx: Tx, coalitionId: string, actorId: string, action: AuditAction, alertId: string) =>
    auditAlert(tx, { coalitionId, actorId, action, alertId, at: now() });

  const publish = (
    tx: Tx,
    row: AlertRow,
    snapshot: AlertSnapshot,
    ctx: PublicContext,
    patch: Partial<AlertRow>,
  ) => publishSnapshot(tx, { row, snapshot, ctx, patch, now: now(), onPublished: deps.onPublished });

  return {
    async template(input) {
      const coalition = await deps.coalitions.current();
      const incident = input.incidentId
        ? await deps.incidentSummary(coalition.id, input.incidentId)
        : undefined;
      if (input.incidentId && !incident) throw new AppError('NOT_FOUND', 'No incident with this id.');
      let zoneIds = input.zoneIds;
      if (input.referencesId) {
        const earlier = await viewOf(database.db, coalition.id, input.referencesId);
        if (zoneIds.length === 0) zoneIds = earlier.zones.map((z) => z.id);
      }
      if (zoneIds.length === 0 && incident?.zone) zoneIds = [incident.zone.id];
      const names = (await checkZones(database.db, coalition.id, zoneIds)).map((zone) => zone.name);
      const at = input.kind === 'all_clear' ? now() : new Date(incident?.lastObservedAt ?? now());
      return {
        content: fillTemplate({
          kind: input.kind,
          zoneNames: names,
          activity: incident?.activity ?? 'other',
          at,
          timeZone: deps.timeZone,
        }),
        cap: CAP_DEFAULTS[input.kind],
        zoneIds,
      };
    },

    async createDraft(input, actorId) {
      const coalition = await deps.coalitions.current();
      const id = randomUUID();
      await database.transaction(async (tx) => {
        await checkZones(tx.db, coalition.id, input.zoneIds);
        await checkReference(tx, coalition.id, input);
        await insertAlert(tx.db, {
          id,
          coalitionId: coalition.id,
          createdBy: actorId,
          editedBy: [actorId],
          ...draftValues(input),
        });
        await setAlertZones(tx.db, id, [...new Set(input.zoneIds)]);
        await audit(tx, coalition.id, actorId, 'alert.drafted', id);
      });
      return viewOf(database.db, coalition.id, id);
    },

    async editDraft(id, input, actorId) {
      const coalition = await deps.coalitions.current();
      await database.transaction(async (tx) => {
        const row = await load(tx, coalition.id, id);
        nextState(facts(row), 'edit', actorId, now());
        await checkZones(tx.db, coalition.id, input.zoneIds);
        await checkReference(tx, coalition.id, input);
        await updateAlert(tx.db, id, {
          ...draftValues(input),
          state: 'draft',
          rejectReason: null,
          // A draft again: whoever changed it is on its writing side, and it must be submitted anew.
          editedBy: [...new Set([...row.editedBy, actorId])],
          snapshot: null,
          snapshotHash: null,
        });
        await setAlertZones(tx.db, id, [...new Set(input.zoneIds)]);
        await audit(tx, coalition.id, actorId, 'alert.edited', id);
      });
      return viewOf(database.db, coalition.id, id);
    },

    async submit(id, actorId) {
      const coalition = await deps.coalitions.current();
      const ctx = await publishing.context();
      await database.transaction(async (tx) => {
        const row = await load(tx, coalition.id, id);
        const state = nextState(facts(row), 'submit', actorId, now());
        // What the approver will be shown and asked to approve, frozen now.
        const snapshot = await liveSnapshot(tx.db, row);
        requireClean(snapshot, ctx);
        await moveAlert(tx.db, id, row.state, {
          state,
          submittedBy: actorId,
          submittedAt: now(),
          snapshot,
          snapshotHash: snapshotHash(snapshot),
        });
        await audit(tx, coalition.id, actorId, 'alert.submitted', id);
      });
      return viewOf(database.db, coalition.id, id);
    },

    async approve(id, contentHash, actorId) {
      const coalition = await deps.coalitions.current();
      const ctx = await publishing.context();
      await database.transaction(async (tx) => {
        const row = await load(tx, coalition.id, id);
        nextState(facts(row), 'approve', actorId, now());
        // Submitted before snapshots existed: what it says now is what the approver was shown.
        const snapshot = await snapshotOf(tx.db, row);
        if ((row.snapshotHash ?? snapshotHash(snapshot)) !== contentHash)
          throw new AppError(
            'CONFLICT',
            'This alert is not the one you looked at: it changed since. Open it again before approving.',
          );
        // The guard's settings may have changed since it was submitted.
        requireClean(snapshot, ctx);
        if (row.referencesId) {
          const earlier = await load(tx, coalition.id, row.referencesId);
          nextState(facts(earlier), 'follow_up', actorId, now());
        }
        await publish(tx, row, snapshot, ctx, { decidedBy: actorId, decidedAt: now() });
        await audit(tx, coalition.id, actorId, 'alert.approved', id);
        if (row.referencesId && (row.kind === 'update' || row.kind === 'all_clear'))
          await audit(
            tx,
            coalition.id,
            actorId,
            row.kind === 'update' ? 'alert.updated' : 'alert.cleared',
            row.referencesId,
          );
      });
      return viewOf(database.db, coalition.id, id);
    },

    async reject(id, reason, actorId) {
      const coalition = await deps.coalitions.current();
      await database.transaction(async (tx) => {
        const row = await load(tx, coalition.id, id);
        const state = nextState(facts(row), 'reject', actorId, now());
        await moveAlert(tx.db, id, row.state, {
          state,
          decidedBy: actorId,
          decidedAt: now(),
          rejectReason: reason,
        });
        await audit(tx, coalition.id, actorId, 'alert.rejected', id);
      });
      return viewOf(database.db, coalition.id, id);
    },

    async cancel(id, actorId) {
      const coalition = await deps.coalitions.current();
      const ctx = await publishing.context();
      const cancelId = randomUUID();
      await database.transaction(async (tx) => {
        const original = await load(tx, coalition.id, id);
        nextState(facts(original), 'cancel', actorId, now());
        // The correction names the zones as the alert it corrects named them.
        const { zones } = await snapshotOf(tx.db, original);
        const content = fillTemplate({
          kind: 'cancel',
          zoneNames: zones.map((z) => z.name),
          activity: 'other',
          at: original.publishedAt ?? now(),
          timeZone: deps.timeZone,
        });
        const defaults = CAP_DEFAULTS.cancel;
        const row: NewAlert = {
          id: cancelId,
          coalitionId: coalition.id,
          incidentId: original.incidentId,
          kind: 'cancel',
          capStatus: original.capStatus,
          msgType: 'Cancel',
          referencesId: id,
          state: 'submitted',
          content,
          urgency: defaults.urgency,
          severity: defaults.severity,
          certainty: defaults.certainty,
          expiresInMinutes: defaults.expiresInMinutes,
          createdBy: actorId,
          editedBy: [actorId],
          submittedBy: actorId,
          submittedAt: now(),
          createdAt: now(),
          updatedAt: now(),
        };
        await insertAlert(tx.db, row);
        await setAlertZones(
          tx.db,
          cancelId,
          zones.map((z) => z.id),
        );
        const inserted = await load(tx, coalition.id, cancelId);
        const snapshot: AlertSnapshot = { ...(await liveSnapshot(tx.db, inserted)), zones };
        requireClean(snapshot, ctx);
        await publish(tx, inserted, snapshot, ctx, { decidedBy: actorId, decidedAt: now() });
        await audit(tx, coalition.id, actorId, 'alert.cancelled', id);
      });
      return viewOf(database.db, coalition.id, cancelId);
    },

    async list() {
      const coalition = await deps.coalitions.current();
      return views(database.db, await listAlertRows(database.db, coalition.id, 100));
    },

    async view(id) {
      const coalition = await deps.coalitions.current();
      return viewOf(database.db, coalition.id, id);
    },

    async incident(id) {
      const coalition = await deps.coalitions.current();
      const row = await findAlert(database.db, coalition.id, id);
      if (!row) throw new AppError('NOT_FOUND', 'No alert with this id.');
      const summary = row.incidentId ? await deps.incidentSummary(coalition.id, row.incidentId) : undefined;
      return { incident: summary ? incidentFacts(summary) : null };
    },

    async deliveryReport(id) {
      const coalition = await deps.coalitions.current();
      if (!(await findAlert(database.db, coalition.id, id)))
        throw new AppError('NOT_FOUND', 'No alert with this id.');
      const rows = await deliveryReport(database.pool, id);
      return {
        rows: rows.map(({ n, ...row }) => ({ ...row, count: n }) as DeliveryReport['rows'][number]),
      };
    },

    async preview(id) {
      const coalition = await deps.coalitions.current();
      const row = await findAlert(database.db, coalition.id, id);
      if (!row) throw new AppError('NOT_FOUND', 'No alert with this id.');
      const alert = await renderable(database.db, row);
      const ctx = await publishing.context();
      return {
        contentHash: snapshotHash(await snapshotOf(database.db, row)),
        languages: LANGUAGES.map((language) => ({
          language,
          push: JSON.parse(pushPayload(alert, language, ctx)) as { title: string; body: string },
          sms: smsPreview(alert, language, ctx),
          email: emailMessage(alert, language, ctx, `${ctx.publicUrl}/unsubscribe?…`),
        })),
        cap: capDocument(alert, ctx),
      };
    },
  };
}
