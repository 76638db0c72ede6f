import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AuditAction } from '../../../shared/admin.js';
import {
  type AlertContent,
  type AlertLanguage,
  type AlertPreview,
  type AlertTemplate,
  type AlertView,
  type DeliveryReport,
  languagesOf,
  type RecipientCounts,
  type templateInputSchema,
} from '../../../shared/alert.js';
import type { IncidentFacts, IncidentSummary } from '../../../shared/incident.js';
import type { Database, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { incidentFacts } from '../incidents/facts.js';
import { alertViews, liveSnapshot, recipientQueryOf, renderable, snapshotOf } from './alert-views.js';
import {
  type AlertRow,
  findAlert,
  insertAlert,
  listAlertRows,
  moveAlert,
  type NewAlert,
  setAlertZones,
  updateAlert,
  zonesOfAlerts,
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
import type { SubscriptionService } from './subscriptions.service.js';
import { CAP_DEFAULTS, fillTemplate } from './templates.js';
import { nextState } from './workflow.js';

type TemplateInput = z.output<typeof templateInputSchema>;

export interface AlertService {
  /** A kind's texts filled in every language, with its CAP defaults and zones. */
  template(coalitionId: string, input: TemplateInput): Promise<AlertTemplate>;
  /**
   * The rumor check of an incident whose verdict is "not confirmed", as one command: its template
   * drafted and submitted for approval in one transaction, or nothing written.
   */
  rumorCheck(coalitionId: string, incidentId: string, actorId: string): Promise<AlertView>;
  createDraft(coalitionId: string, input: DraftInput, actorId: string): Promise<AlertView>;
  editDraft(coalitionId: string, id: string, input: DraftInput, actorId: string): Promise<AlertView>;
  submit(coalitionId: string, id: string, actorId: string): Promise<AlertView>;
  /**
   * Approves and publishes exactly the content submitted, named by its hash (another person than
   * anyone who wrote, changed or submitted it); queues its deliveries.
   */
  approve(coalitionId: string, id: string, contentHash: string, actorId: string): Promise<AlertView>;
  reject(coalitionId: string, id: string, reason: string, actorId: string): Promise<AlertView>;
  /** One action: a prepared correction in every language, published at once to the same recipients. */
  cancel(coalitionId: string, id: string, actorId: string): Promise<AlertView>;
  list(coalitionId: string): Promise<AlertView[]>;
  view(coalitionId: string, id: string): Promise<AlertView>;
  preview(coalitionId: string, id: string): Promise<AlertPreview>;
  /** The verdict and public facts of the incident the alert is about (what an approver judges it by). */
  incident(coalitionId: string, id: string): Promise<{ incident: IncidentFacts | null }>;
  deliveryReport(coalitionId: string, id: string): Promise<DeliveryReport>;
  /** How many it would reach if sent now, per channel and language (numbers only): what an approver weighs. */
  recipients(coalitionId: string, id: string): Promise<RecipientCounts>;
}

export interface AlertServiceDeps {
  database: Database;
  publishing: Publishing;
  incidentSummary: (coalitionId: string, id: string) => Promise<IncidentSummary | undefined>;
  timeZone: string;
  now?: () => Date;
  /** Queues the fan-out of a published alert in its transaction. */
  onPublished: (alertId: string, tx: Tx) => Promise<void>;
  /** After the transaction that published an alert committed: its fan-out starts now, not at the next poll. */
  afterPublished?: () => void;
  /** The subscriptions service's counts of whom an alert reaches. */
  recipientCounts: SubscriptionService['recipientCounts'];
  /** English, Spanish and the languages whose alert templates the coalition reviewed (rights module). */
  alertLanguages: (coalitionId: string) => Promise<AlertLanguage[]>;
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
      content: fillTemplate(
        {
          kind: input.kind,
          zoneNames: names,
          activity: incident?.activity ?? 'other',
          at,
          timeZone: deps.timeZone,
        },
        await deps.alertLanguages(coalitionId),
      ),
      cap: CAP_DEFAULTS[input.kind],
      zoneIds,
    };
  }

  /**
   * An alert carries only languages the coalition has reviewed the alert templates of: a language
   * nobody vouched for is one an approver may not read, so a dispatcher could say anything in it.
   * Checked when a draft is written and again when it is approved (a review may be withdrawn between).
   */
  function requireReviewedLanguages(reviewed: readonly AlertLanguage[], content: AlertContent): void {
    const unreviewed = languagesOf(content).filter((language) => !reviewed.includes(language));
    if (unreviewed.length > 0)
      throw new AppError(
        'VALIDATION',
        'An alert carries only the languages whose alert templates your coalition has reviewed.',
        {
          fields: unreviewed.map((language) => ({
            field: `content.${language}`,
            message: 'not a reviewed language: remove it, or have its alert templates reviewed first',
          })),
        },
      );
  }

  const publish = (
    tx: Tx,
    row: AlertRow,
    snapshot: AlertSnapshot,
    ctx: PublicContext,
    patch: Partial<AlertRow>,
  ) => publishSnapshot(tx, { row, snapshot, ctx, patch, now: now(), onPublished: deps.onPublished });

  return {
    async template(coalitionId, input) {
      const incident = input.incidentId
        ? await deps.incidentSummary(coalitionId, input.incidentId)
        : undefined;
      if (input.incidentId && !incident) throw new AppError('NOT_FOUND', 'No incident with this id.');
      return templateFor(coalitionId, input, incident);
    },

    async rumorCheck(coalitionId, incidentId, actorId) {
      const incident = await deps.incidentSummary(coalitionId, incidentId);
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
      const filled = await templateFor(coalitionId, { kind, incidentId, zoneIds: [] }, incident);
      if (filled.zoneIds.length === 0)
        throw new AppError('VALIDATION', 'This incident has no zone: choose the zones in the composer.', {
          fields: [{ field: 'zoneIds', message: 'choose at least one zone' }],
        });
      const input: DraftInput = { kind, capStatus: 'Actual', incidentId, ...filled };
      const ctx = await publishing.context(coalitionId);
      const id = randomUUID();
      // Drafted and submitted together, or not at all: never a draft left behind by a refusal.
      await database.transaction(async (tx) => {
        await insertDraft(tx, { coalitionId, id, input, actorId, now });
        await submitDraft(tx, { coalitionId, id, actorId, ctx, now });
      });
      return viewOf(database.db, coalitionId, id);
    },

    async createDraft(coalitionId, input, actorId) {
      requireReviewedLanguages(await deps.alertLanguages(coalitionId), input.content);
      const id = randomUUID();
      await database.transaction((tx) => insertDraft(tx, { coalitionId, id, input, actorId, now }));
      return viewOf(database.db, coalitionId, id);
    },

    async editDraft(coalitionId, id, input, actorId) {
      requireReviewedLanguages(await deps.alertLanguages(coalitionId), input.content);
      await database.transaction(async (tx) => {
        const row = await loadAlert(tx, coalitionId, id);
        nextState(alertFacts(row), 'edit', actorId, now());
        await checkZones(tx.db, coalitionId, input.zoneIds);
        await checkReference(tx, coalitionId, input, now());
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
        await audit(tx, coalitionId, actorId, 'alert.edited', id);
      });
      return viewOf(database.db, coalitionId, id);
    },

    async submit(coalitionId, id, actorId) {
      const ctx = await publishing.context(coalitionId);
      await database.transaction((tx) => submitDraft(tx, { coalitionId, id, actorId, ctx, now }));
      return viewOf(database.db, coalitionId, id);
    },

    async approve(coalitionId, id, contentHash, actorId) {
      const ctx = await publishing.context(coalitionId);
      // Read before the transaction (on its own connection): checked against the snapshot inside.
      const reviewed = await deps.alertLanguages(coalitionId);
      await database.transaction(async (tx) => {
        const row = await loadAlert(tx, coalitionId, id);
        nextState(alertFacts(row), 'approve', actorId, now());
        // Submitted before snapshots existed: what it says now is what the approver was shown.
        const snapshot = await snapshotOf(tx.db, row);
        if ((row.snapshotHash ?? snapshotHash(snapshot)) !== contentHash)
          throw new AppError(
            'CONFLICT',
            'This alert is not the one you looked at: it changed since. Open it again before approving.',
          );
        // The guard's settings may have changed since it was submitted, and so may the reviewed languages.
        requireClean(snapshot, ctx);
        requireReviewedLanguages(reviewed, snapshot.content);
        if (row.referencesId) {
          const earlier = await loadAlert(tx, coalitionId, row.referencesId);
          nextState(alertFacts(earlier), 'follow_up', actorId, now());
        }
        await publish(tx, row, snapshot, ctx, { decidedBy: actorId, decidedAt: now() });
        await audit(tx, coalitionId, actorId, 'alert.approved', id);
        if (row.referencesId && (row.kind === 'update' || row.kind === 'all_clear'))
          await audit(
            tx,
            coalitionId,
            actorId,
            row.kind === 'update' ? 'alert.updated' : 'alert.cleared',
            row.referencesId,
          );
      });
      deps.afterPublished?.();
      return viewOf(database.db, coalitionId, id);
    },

    async reject(coalitionId, id, reason, actorId) {
      await database.transaction(async (tx) => {
        const row = await loadAlert(tx, coalitionId, id);
        const state = nextState(alertFacts(row), 'reject', actorId, now());
        await moveAlert(tx.db, id, row.state, {
          state,
          decidedBy: actorId,
          decidedAt: now(),
          rejectReason: reason,
        });
        await audit(tx, coalitionId, actorId, 'alert.rejected', id);
      });
      return viewOf(database.db, coalitionId, id);
    },

    async cancel(coalitionId, id, actorId) {
      const ctx = await publishing.context(coalitionId);
      const cancelId = randomUUID();
      await database.transaction(async (tx) => {
        const original = await loadAlert(tx, coalitionId, id);
        nextState(alertFacts(original), 'cancel', actorId, now());
        // The correction names the zones as the alert it corrects named them.
        const { zones } = await snapshotOf(tx.db, original);
        // The correction speaks every language the alert it corrects spoke (its readers get it in theirs).
        const content = fillTemplate(
          {
            kind: 'cancel',
            zoneNames: zones.map((z) => z.name),
            activity: 'other',
            at: original.publishedAt ?? now(),
            timeZone: deps.timeZone,
          },
          languagesOf(original.content),
        );
        const defaults = CAP_DEFAULTS.cancel;
        const row: NewAlert = {
          id: cancelId,
          coalitionId,
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
        const inserted = await loadAlert(tx, coalitionId, cancelId);
        const snapshot: AlertSnapshot = { ...(await liveSnapshot(tx.db, inserted)), zones };
        requireClean(snapshot, ctx);
        await publish(tx, inserted, snapshot, ctx, { decidedBy: actorId, decidedAt: now() });
        await audit(tx, coalitionId, actorId, 'alert.cancelled', id);
      });
      deps.afterPublished?.();
      return viewOf(database.db, coalitionId, cancelId);
    },

    async list(coalitionId) {
      return views(database.db, coalitionId, await listAlertRows(database.db, coalitionId, 100));
    },

    async view(coalitionId, id) {
      return viewOf(database.db, coalitionId, id);
    },

    async incident(coalitionId, id) {
      const row = await findAlert(database.db, coalitionId, id);
      if (!row) throw new AppError('NOT_FOUND', 'No alert with this id.');
      const summary = row.incidentId ? await deps.incidentSummary(coalitionId, row.incidentId) : undefined;
      return { incident: summary ? incidentFacts(summary) : null };
    },

    async deliveryReport(coalitionId, id) {
      if (!(await findAlert(database.db, coalitionId, id)))
        throw new AppError('NOT_FOUND', 'No alert with this id.');
      const rows = await deliveryReport(database.pool, id);
      return {
        rows: rows.map(({ n, ...row }) => ({ ...row, count: n }) as DeliveryReport['rows'][number]),
      };
    },

    async recipients(coalitionId, id) {
      const row = await findAlert(database.db, coalitionId, id);
      if (!row) throw new AppError('NOT_FOUND', 'No alert with this id.');
      const zones = (await zonesOfAlerts(database.db, [row.id])).get(row.id) ?? [];
      return deps.recipientCounts(recipientQueryOf(row, zones));
    },

    async preview(coalitionId, id) {
      const row = await findAlert(database.db, coalitionId, id);
      if (!row) throw new AppError('NOT_FOUND', 'No alert with this id.');
      const alert = await renderable(database.db, row);
      const ctx = await publishing.context(coalitionId);
      return {
        contentHash: snapshotHash(await snapshotOf(database.db, row)),
        languages: languagesOf(alert.content).map((language) => ({
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
