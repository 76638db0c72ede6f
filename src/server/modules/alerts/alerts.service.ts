import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AuditAction } from '../../../shared/admin.js';
import type {
  AlertPreview,
  AlertTemplate,
  AlertView,
  DeliveryReport,
  templateInputSchema,
} from '../../../shared/alert.js';
import type { IncidentFacts, IncidentSummary } from '../../../shared/incident.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import type { Database, Tx } from '../../db/database.js';
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
import {
  alertFacts,
  checkReference,
  checkZones,
  type DraftInput,
  draftValues,
  insertDraft,
  loadAlert,
  submitDraft,
} from './compose.js';
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
import { CAP_DEFAULTS, fillTemplate } from './templates.js';
import { nextState } from './workflow.js';

type TemplateInput = z.output<typeof templateInputSchema>;

export interface AlertService {
  /** A kind's texts filled in every language, with its CAP defaults and zones. */
  template(input: TemplateInput): Promise<AlertTemplate>;
  /**
   * The rumor check of an incident whose verdict is "not confirmed", as one command: its template
   * drafted and submitted for approval in one transaction, or nothing written.
   */
  rumorCheck(incidentId: string, actorId: string): Promise<AlertView>;
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

  const audit = (tx: Tx, coalitionId: string, actorId: string, action: AuditAction, alertId: string) =>
    auditAlert(tx, { coalitionId, actorId, action, alertId, at: now() });

  /** A kind's texts filled in every language from the incident (if any), its CAP defaults and zones. */
  async function templateFor(
    coalitionId: string,
    input: TemplateInput,
    incident: IncidentSummary | undefined,
  ): Promise<AlertTemplate> {
    let zoneIds = input.zoneIds;
    if (input.referencesId) {
      const earlier = await viewOf(database.db, coalitionId, input.referencesId);
      if (zoneIds.length === 0) zoneIds = earlier.zones.map((z) => z.id);
    }
    if (zoneIds.length === 0 && incident?.zone) zoneIds = [incident.zone.id];
    const names = (await checkZones(database.db, coalitionId, zoneIds)).map((zone) => zone.name);
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
  }

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
      return templateFor(coalition.id, input, incident);
    },

    async rumorCheck(incidentId, actorId) {
      const coalition = await deps.coalitions.current();
      const incident = await deps.incidentSummary(coalition.id, incidentId);
      if (!incident) throw new AppError('NOT_FOUND', 'No incident with this id.');
      // What it says publicly ("checked, not confirmed") is the dispatcher's verdict: the verdict
      // may have changed since the board showed the button.
      if (incident.status !== 'not_confirmed')
        throw new AppError(
          'INVALID_TRANSITION',
          'A rumor check follows the verdict "not confirmed"; this incident has another verdict now.',
          { reason: 'rumor_check_verdict', status: incident.status },
        );
      const kind = 'rumor_false';
      const filled = await templateFor(coalition.id, { kind, incidentId, zoneIds: [] }, incident);
      if (filled.zoneIds.length === 0)
        throw new AppError('VALIDATION', 'This incident has no zone: choose the zones in the composer.', {
          fields: [{ field: 'zoneIds', message: 'choose at least one zone' }],
        });
      const input: DraftInput = { kind, capStatus: 'Actual', incidentId, ...filled };
      const ctx = await publishing.context();
      const id = randomUUID();
      // Drafted and submitted together, or not at all: never a draft left behind by a refusal.
      await database.transaction(async (tx) => {
        await insertDraft(tx, { coalitionId: coalition.id, id, input, actorId, now });
        await submitDraft(tx, { coalitionId: coalition.id, id, actorId, ctx, now });
      });
      return viewOf(database.db, coalition.id, id);
    },

    async createDraft(input, actorId) {
      const coalition = await deps.coalitions.current();
      const id = randomUUID();
      await database.transaction((tx) =>
        insertDraft(tx, { coalitionId: coalition.id, id, input, actorId, now }),
      );
      return viewOf(database.db, coalition.id, id);
    },

    async editDraft(id, input, actorId) {
      const coalition = await deps.coalitions.current();
      await database.transaction(async (tx) => {
        const row = await loadAlert(tx, coalition.id, id);
        nextState(alertFacts(row), 'edit', actorId, now());
        await checkZones(tx.db, coalition.id, input.zoneIds);
        await checkReference(tx, coalition.id, input, now());
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
      await database.transaction((tx) =>
        submitDraft(tx, { coalitionId: coalition.id, id, actorId, ctx, now }),
      );
      return viewOf(database.db, coalition.id, id);
    },

    async approve(id, contentHash, actorId) {
      const coalition = await deps.coalitions.current();
      const ctx = await publishing.context();
      await database.transaction(async (tx) => {
        const row = await loadAlert(tx, coalition.id, id);
        nextState(alertFacts(row), 'approve', actorId, now());
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
          const earlier = await loadAlert(tx, coalition.id, row.referencesId);
          nextState(alertFacts(earlier), 'follow_up', actorId, now());
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
        const row = await loadAlert(tx, coalition.id, id);
        const state = nextState(alertFacts(row), 'reject', actorId, now());
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
        const original = await loadAlert(tx, coalition.id, id);
        nextState(alertFacts(original), 'cancel', actorId, now());
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
        const inserted = await loadAlert(tx, coalition.id, cancelId);
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
