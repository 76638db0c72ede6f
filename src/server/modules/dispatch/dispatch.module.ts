import { ASSIGNMENT_STATES } from '../../../shared/dispatch.js';
import { setCounts } from '../../metrics/metrics.js';
import type { Platform } from '../../platform.js';
import type { SessionService } from '../access/sessions.service.js';
import type { IncidentService } from '../incidents/incidents.service.js';
import type { FaroModule } from '../module.js';
import { createIncidentChannel } from './channel.js';
import { dispatchJobs, offerExpiryJob } from './dispatch.jobs.js';
import { countAssignmentsByState } from './dispatch.repo.js';
import { registerDispatchRoutes, registerResponderEvents } from './dispatch.routes.js';
import { createDispatchService } from './dispatch.service.js';
import { createStaffPush, dispatchNotifyJob } from './notify.js';
import { createResponderTexts } from './responder-texts.js';

/**
 * Dispatch: responders on shift, offers and their answers, check-ins on
 * scene, the alarms when one does not come, and the incident's channel. Staff
 * are reached by Web Push and, where the network has SMS, by text.
 */
export function createDispatchModule(
  platform: Platform,
  deps: { sessions: Pick<SessionService, 'stillGrants'>; incidents: Pick<IncidentService, 'brief'> },
) {
  const { config, database, box, now, jobs, sms } = platform;
  const staffPush = createStaffPush({ database, box, push: platform.push });
  const notify = dispatchNotifyJob({
    database,
    box,
    staffPush,
    sms,
    offerMinutes: config.dispatch.offerMinutes,
    publicUrl: config.publicUrl,
  });
  const dispatch = createDispatchService({
    database,
    now,
    offerMinutes: config.dispatch.offerMinutes,
    checkInMinutes: config.dispatch.checkInMinutes,
    escalateMinutes: config.dispatch.escalateMinutes,
    box,
    incidents: deps.incidents,
    onOffered: async (offer, tx) => {
      await jobs.send(notify, { kind: 'offer', assignmentId: offer.id, channel: 'push' }, tx.client);
      if (sms) await jobs.send(notify, { kind: 'offer', assignmentId: offer.id, channel: 'sms' }, tx.client);
      await jobs.send(offerExpiryJob, { assignmentId: offer.id }, tx.client, { startAfter: offer.expiresAt });
    },
    afterCommit: () => jobs.wake(notify),
    onSafetyAlarm: async (kind, assignmentId, tx) => {
      platform.metrics.safetyAlarms.inc({ kind });
      await jobs.send(notify, { kind, assignmentId, channel: 'push' }, tx.client);
      // Texts: the responder's reminder (missed) and their backup contact (escalate).
      if (kind !== 'help' && sms) await jobs.send(notify, { kind, assignmentId, channel: 'sms' }, tx.client);
    },
  });
  const clock = dispatchJobs(dispatch);
  const responderTexts = createResponderTexts({ database, box, now, dispatch });
  const channel = createIncidentChannel({ database, box });

  return {
    services: { dispatch, staffPush, responderTexts },
    jobDefinitions: { dispatchNotify: notify, dispatchSweep: clock.sweep },
    jobs: [clock.offerExpiry, notify, clock.sweep],
    routes(app, http) {
      registerDispatchRoutes(app, { dispatch, staffPush, channel });
      registerResponderEvents(app, { hub: platform.hub, streams: http.streams, sessions: deps.sessions });
    },
    async resume() {
      await responderTexts.backfill();
    },
    async measure() {
      const counts = await countAssignmentsByState(database.db);
      setCounts(platform.metrics.assignments, 'state', ASSIGNMENT_STATES, counts);
      platform.metrics.missedCheckIns.set(counts.find((c) => c.key === 'on_scene')?.missed ?? 0);
    },
  } satisfies FaroModule & Record<string, unknown>;
}
