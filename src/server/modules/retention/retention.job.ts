import { z } from 'zod';
import type { Drizzle } from '../../db/database.js';
import { defineJob } from '../../jobs/queue.js';
import { PENDING_SUBSCRIPTION_DAYS, purgeStaleSubscriptions } from '../alerts/subscriptions.repo.js';
import { purgeIncidentMessages } from '../dispatch/channel.repo.js';
import { purgeAssignmentNotes } from '../dispatch/dispatch.repo.js';
import { purgeIncidentPositions, purgeTimelineNotes } from '../incidents/incidents.repo.js';
import { PENDING_PHOTO_MS } from '../reports/photos.js';
import { purgePhotos } from '../reports/photos.repo.js';
import { purgeCallbacks, purgeRestrictedFields } from '../reports/reports.repo.js';
import { purgeAnsweredSms, SMS_ANSWERED_DAYS } from '../sms/sms.repo.js';

export interface RetentionPolicy {
  /** Exact positions, cross streets, free text and markings, photos, fine cells, incident notes and positions. */
  exactLocationDays: number;
  /** Hotline callers' callback numbers. */
  callbackHours: number;
}

/** Hourly, at 17 past. */
export const RETENTION_SCHEDULE = '17 * * * *';

export interface Purged {
  reports: number;
  callbacks: number;
  notes: number;
  photos: number;
  /** Subscription requests never confirmed, and subscriptions a push service said are gone. */
  subscriptions: number;
  /** Incidents quiet for the restricted-data period that lost their mean and recent positions. */
  incidentPositions: number;
  /** Evidence originals past their own retention and not under a legal hold. */
  evidence: number;
  /** Closed cases past their retention and not on hold (the audit log keeps that each existed). */
  cases: number;
  /** Emergency plans not confirmed for a year (their members reminded before). */
  plans: number;
  /** Ids of inbound texts answered (kept only to answer a redelivery once). */
  smsAnswered: number;
}

/**
 * Deletes restricted data once it is older than the retention period: data
 * that no longer exists cannot be breached or subpoenaed. Incidents keep only
 * their coarse data. Idempotent: a second run finds nothing.
 */
export function retentionJob(
  deps: RetentionPolicy & {
    db: Drizzle;
    /** The evidence module's own purge (it writes each deletion into the item's custody log). */
    purgeEvidence: () => Promise<number>;
    /** The cases module's own purge. */
    purgeCases: () => Promise<number>;
    /** The plans module's own: reminders, then plans not confirmed for a year. */
    purgePlans?: () => Promise<number>;
    now?: () => Date;
    onPurged?: (purged: Purged) => void;
  },
) {
  return defineJob({
    name: 'retention.purge-restricted',
    payload: z.object({}),
    retryLimit: 5,
    retryDelaySeconds: 60,
    schedule: RETENTION_SCHEDULE,
    async handler() {
      const now = (deps.now?.() ?? new Date()).getTime();
      const restrictedCutOff = new Date(now - deps.exactLocationDays * 86_400_000);
      const purged = {
        reports: await purgeRestrictedFields(deps.db, restrictedCutOff),
        callbacks: await purgeCallbacks(deps.db, new Date(now - deps.callbackHours * 3_600_000)),
        notes:
          (await purgeTimelineNotes(deps.db, restrictedCutOff)) +
          (await purgeAssignmentNotes(deps.db, restrictedCutOff)) +
          (await purgeIncidentMessages(deps.db, restrictedCutOff)),
        photos: await purgePhotos(deps.db, restrictedCutOff, new Date(now - PENDING_PHOTO_MS)),
        subscriptions: await purgeStaleSubscriptions(
          deps.db,
          new Date(now - PENDING_SUBSCRIPTION_DAYS * 86_400_000),
        ),
        incidentPositions: await purgeIncidentPositions(deps.db, restrictedCutOff),
        evidence: await deps.purgeEvidence(),
        cases: await deps.purgeCases(),
        plans: (await deps.purgePlans?.()) ?? 0,
        smsAnswered: await purgeAnsweredSms(deps.db, new Date(now - SMS_ANSWERED_DAYS * 86_400_000)),
      };
      deps.onPurged?.(purged);
    },
  });
}
