import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { checkServerKey } from './crypto/key-check.js';
import { createSecretBox, type SecretBox } from './crypto/secret-box.js';
import { keySource, loadSecretKey } from './crypto/secret-key.js';
import { type Database, openDatabase, type SqlExecutor } from './db/database.js';
import { migrateDatabase } from './db/migrate.js';
import type { RouteAccess } from './http/auth.js';
import { loggableError } from './http/logger.js';
import { createProofOfWork } from './http/proof-of-work.js';
import { type JobDefinition, type JobQueue, type SendOptions, startJobQueue } from './jobs/queue.js';
import { createMailer } from './mail/mailer.js';
import { upgradeCodeHashes } from './modules/access/code-hash.js';
import { invitationMailJob } from './modules/access/invitation-mail.job.js';
import { createInvitationService } from './modules/access/invitations.service.js';
import { createPasskeyService } from './modules/access/passkeys.service.js';
import { createPeopleService, type PeopleService } from './modules/access/people.service.js';
import { secondFactorNoticeJob } from './modules/access/second-factor-notice.job.js';
import { createSessionService, type SessionService } from './modules/access/sessions.service.js';
import { createSignInService } from './modules/access/sign-in.service.js';
import { createAlertService } from './modules/alerts/alerts.service.js';
import { createEmailChannel } from './modules/alerts/channels/email.js';
import { createPushChannel } from './modules/alerts/channels/push.js';
import { threadedPushEncryption } from './modules/alerts/channels/push-encryption.js';
import { createSmsChannel } from './modules/alerts/channels/sms.js';
import { deliveryJobs } from './modules/alerts/delivery.js';
import { createPublicAlerts, guardKinds } from './modules/alerts/public-alerts.js';
import { createPublishing } from './modules/alerts/publishing.js';
import { createSubscriptionService, subscriptionConfirmJob } from './modules/alerts/subscriptions.service.js';
import { loadVapidKeys } from './modules/alerts/vapid.js';
import { createCoalitionService } from './modules/coalitions/coalitions.service.js';
import { printDemoAccounts, seedDemo } from './modules/demo/seed.js';
import { createIncidentChannel } from './modules/dispatch/channel.js';
import { dispatchJobs } from './modules/dispatch/dispatch.jobs.js';
import { createDispatchService, type DispatchService } from './modules/dispatch/dispatch.service.js';
import { createStaffPush, dispatchNotifyJob } from './modules/dispatch/notify.js';
import { createResponderTexts, type ResponderTexts } from './modules/dispatch/responder-texts.js';
import { boardEvent } from './modules/incidents/board-stream.js';
import { type Grouper, startGrouper } from './modules/incidents/grouper.js';
import { createIncidentService } from './modules/incidents/incidents.service.js';
import { createPhotoService } from './modules/reports/photos.js';
import { createReportService, type ReportService } from './modules/reports/reports.service.js';
import { openRestricted } from './modules/reports/restricted.js';
import { retentionJob } from './modules/retention/retention.job.js';
import { smsFollowUps } from './modules/sms/follow-up.js';
import { createSmsIntake } from './modules/sms/sms.service.js';
import { smsMediaJob } from './modules/sms/sms-media.job.js';
import { smsReplyJob } from './modules/sms/sms-reply.job.js';
import { twilioSender } from './modules/sms/twilio.js';
import { createZoneService } from './modules/zones/zones.service.js';
import { createOutbound, type Resolve } from './outbound/outbound.js';
import { type RealtimeHub, startRealtimeHub } from './realtime/hub.js';

export interface Faro {
  app: FastifyInstance;
  /** Every /api route with its access rule (the authorization matrix is generated from it). */
  routeAccess: RouteAccess[];
  box: SecretBox;
  services: {
    sessions: SessionService;
    people: PeopleService;
    dispatch: DispatchService;
    responderTexts: ResponderTexts;
    reports: ReportService;
  };
  database: Database;
  jobs: JobQueue;
  hub: RealtimeHub;
  /** Null in a process that does not run workers. */
  grouper: Grouper | null;
  jobDefinitions: {
    retention: ReturnType<typeof retentionJob>;
    invitationMail: ReturnType<typeof invitationMailJob> | null;
    secondFactorNotice: ReturnType<typeof secondFactorNoticeJob> | null;
    smsReply: ReturnType<typeof smsReplyJob> | null;
    smsMedia: ReturnType<typeof smsMediaJob> | null;
    subscriptionConfirm: ReturnType<typeof subscriptionConfirmJob>;
    alertFanOut: ReturnType<typeof deliveryJobs>['fanOutJob'];
    alertSend: ReturnType<typeof deliveryJobs>['sendJob'];
    dispatchNotify: ReturnType<typeof dispatchNotifyJob>;
    /** The minute sweep: shifts past their end, offers past their time, missed check-ins. */
    dispatchSweep: ReturnType<typeof dispatchJobs>['sweep'];
  };
  /** Graceful stop: refuse new requests, finish in-flight requests and jobs, close the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** An already opened database (tests pass a fresh copy of the migrated template); the caller closes it. */
  database?: Database;
  /** Whether this process runs job handlers (default true). */
  work?: boolean;
  logStream?: Writable | undefined;
  /** The clock of sessions, sign-in and invitations (tests move it to expire things). */
  now?: () => Date;
  /** How outbound requests resolve host names (tests point names at addresses of their choosing). */
  resolve?: Resolve;
}

/** Opens the database, brings the schema up to date, wires the modules and builds the app. */
export async function createFaro(config: Config, options: StartOptions = {}): Promise<Faro> {
  const ownsDatabase = !options.database;
  const database = options.database ?? (await openDatabase(config.database, (msg) => console.error(msg)));
  let grouper: Grouper | null = null;
  try {
    await migrateDatabase(database);
    const box = await createSecretBox(await loadSecretKey(config, (message) => console.warn(message)));
    await checkServerKey(database.db, box, keySource(config));
    const now = options.now ?? (() => new Date());
    const demoAccounts = config.seedDemo ? await seedDemo(database, box) : null;
    // Codes stored unkeyed by an earlier version become keyed hashes (idempotent, usually nothing to do).
    await upgradeCodeHashes(database.db, box);
    if (demoAccounts) printDemoAccounts(demoAccounts);

    const coalitions = createCoalitionService(database.db);
    const zones = createZoneService(database.db, database);
    // The queue starts once the app is built; requests (and so e-mails and texts) only come after both.
    let queue: JobQueue | undefined;
    const enqueue = <S extends z.ZodType>(
      job: JobDefinition<S>,
      payload: z.infer<S>,
      within?: SqlExecutor,
      sendOptions?: SendOptions,
    ) => {
      if (!queue) throw new Error('the job queue is not started yet');
      return queue.send(job, payload, within, sendOptions);
    };
    // Every request to another server (push services, the SMS provider, MMS pictures) goes through it.
    const outbound = createOutbound({
      allowLoopback: config.outbound.allowLoopback,
      resolve: options.resolve,
      // Up to four senders of an alert may share a process, each with its share per push service.
      maxSocketsPerOrigin: config.push.perOrigin * 4,
    });
    const smsSender = config.sms ? twilioSender(config.sms, outbound) : null;
    const smsReply = smsSender ? smsReplyJob({ sender: smsSender, box, publicUrl: config.publicUrl }) : null;
    const photos = createPhotoService({ db: database.db, box });
    const smsMedia = config.sms
      ? smsMediaJob({
          photos,
          provider: config.sms,
          outbound,
          onRefused: (reason) => console.warn(`an MMS picture was not fetched: refused (${reason})`),
        })
      : null;
    const incidents = createIncidentService({
      database,
      coalitions,
      box,
      reveal: (reportId, sealed) => openRestricted(box, reportId, sealed),
      now,
      onVerdict: smsReply
        ? smsFollowUps({
            box,
            enqueue: async (reply, tx) => void (await enqueue(smsReply, reply, tx.client)),
          })
        : undefined,
    });
    const reports = createReportService({
      photos,
      database,
      coalitions,
      zones,
      box,
      onStored: () => grouper?.kick(),
    });
    const hub = await startRealtimeHub(database, boardEvent(incidents), (error) =>
      console.error('realtime delivery failed', JSON.stringify(loggableError(error))),
    );
    // Grouping runs in worker processes; a web-only process's reports are picked up by a worker.
    grouper =
      (options.work ?? true)
        ? startGrouper({
            incidents,
            pollMs: config.jobs.pollSeconds * 1000,
            tap: (listener) => hub.tap(listener),
            onError: (error) => console.error('grouping failed', JSON.stringify(loggableError(error))),
          })
        : null;

    const sessions = createSessionService({ db: database.db, now, ...config.sessions });
    const mailer = createMailer(config.mail);
    const invitationMail = mailer ? invitationMailJob({ mailer, box }) : null;
    const secondFactorNotice = mailer ? secondFactorNoticeJob({ mailer }) : null;
    const signIn = createSignInService({
      database,
      coalitions,
      sessions,
      box,
      now,
      issuer: 'Faro',
      enqueueNotice: secondFactorNotice
        ? (notice, within) => enqueue(secondFactorNotice, notice, within)
        : undefined,
    });
    const vapid = await loadVapidKeys(database.db, box);
    // Workers encrypt pushes on other cores; a web-only process encrypts only the odd confirmation.
    const push = createPushChannel({
      vapid,
      subject: config.alerts.vapidSubject,
      outbound,
      settings: config.push,
      encryption: (options.work ?? true) ? threadedPushEncryption() : undefined,
    });
    const subscriptionConfirm = subscriptionConfirmJob({ box, mailer, sms: smsSender, push });
    const subscriptions = createSubscriptionService({
      database,
      coalitions,
      box,
      now,
      channels: ['push', ...(mailer ? (['email'] as const) : []), ...(config.sms ? (['sms'] as const) : [])],
      rules: config.subscriptions,
      push,
      enqueueConfirmation: (confirmation, tx, priority) =>
        enqueue(subscriptionConfirm, confirmation, tx.client, { priority }),
    });
    const invitations = createInvitationService({
      database,
      sessions,
      box,
      now,
      enqueueMail: invitationMail ? (mail, within) => enqueue(invitationMail, mail, within) : undefined,
    });
    const smsIntake = smsReply
      ? createSmsIntake({
          reports,
          zones,
          coalitions,
          box,
          db: database.db,
          enqueueMedia: async (media, tx) => {
            if (smsMedia) await enqueue(smsMedia, media, tx.client);
          },
          enqueueReply: async (reply, tx) => void (await enqueue(smsReply, reply, tx?.client)),
          onStop: async (from) => {
            await subscriptions.stopSms(from);
            await responderTexts.forget(from);
          },
          answerResponder: (from, body) => responderTexts.answer(from, body),
        })
      : null;
    const responderTexts = createResponderTexts({ database, coalitions, box, now, dispatch: () => dispatch });
    const publishing = createPublishing({
      db: database.db,
      coalitions,
      publicUrl: config.publicUrl,
      smsFrom: config.sms?.from,
    });
    const alerts = createAlertService({
      database,
      coalitions,
      publishing,
      incidentSummary: (coalitionId, id) => incidents.summary(coalitionId, id),
      timeZone: config.timeZone,
      now,
      onPublished: async (alertId, tx) => void (await enqueue(delivery.fanOutJob, { alertId }, tx.client)),
    });
    const publicAlerts = createPublicAlerts({
      database,
      coalitions,
      publishing,
      now,
      // The finding's text is what must not leak: the log gets its kinds only.
      onBlocked: (alertId, error) =>
        console.error('publishing guard stopped an alert on its way out', alertId, guardKinds(error)),
    });
    const delivery = deliveryJobs({
      database,
      coalitions,
      publishing,
      box,
      channels: {
        push,
        sms:
          smsSender && config.sms
            ? createSmsChannel({ sender: smsSender, segmentsPerSecond: config.sms.segmentsPerSecond })
            : null,
        email: mailer ? createEmailChannel(mailer) : null,
      },
      settings: { ...config.alerts.delivery, pushPerOrigin: config.push.perOrigin },
      publicUrl: config.publicUrl,
      unsubscribeToken: (id) => subscriptions.unsubscribeToken(id),
      enqueueSend: (send, sendOptions) => enqueue(delivery.sendJob, send, undefined, sendOptions),
    });
    const dispatchJob = dispatchJobs(() => dispatch);
    const staffPush = createStaffPush({ database, box, push });
    const dispatchNotify = dispatchNotifyJob({
      database,
      box,
      staffPush,
      sms: smsSender,
      offerMinutes: config.dispatch.offerMinutes,
      publicUrl: config.publicUrl,
    });
    const dispatch: DispatchService = createDispatchService({
      database,
      coalitions,
      now,
      offerMinutes: config.dispatch.offerMinutes,
      checkInMinutes: config.dispatch.checkInMinutes,
      box,
      onOffered: async (offer, tx) => {
        await enqueue(dispatchNotify, { kind: 'offer', assignmentId: offer.id, channel: 'push' }, tx.client);
        if (smsSender)
          await enqueue(dispatchNotify, { kind: 'offer', assignmentId: offer.id, channel: 'sms' }, tx.client);
        await enqueue(dispatchJob.offerExpiry, { assignmentId: offer.id }, tx.client, {
          startAfter: offer.expiresAt,
        });
      },
      afterCommit: () => queue?.wake(dispatchNotify),
      escalateMinutes: config.dispatch.escalateMinutes,
      onSafetyAlarm: async (kind, assignmentId, tx) => {
        await enqueue(dispatchNotify, { kind, assignmentId, channel: 'push' }, tx.client);
        // Texts: the responder's reminder (missed) and their backup contact (escalate).
        if (kind !== 'help' && smsSender)
          await enqueue(dispatchNotify, { kind, assignmentId, channel: 'sms' }, tx.client);
      },
    });
    const people = createPeopleService({ database, now });
    const passkeys = createPasskeyService({ database, now });
    const { app, routeAccess } = await buildApp({
      config,
      database,
      hub,
      coalitions,
      zones,
      reports,
      photos,
      incidents,
      sessions,
      signIn,
      invitations,
      people,
      passkeys,
      smsIntake,
      subscriptions,
      alerts,
      publicAlerts,
      publishing,
      pushKey: vapid.publicKey,
      dispatch,
      staffPush,
      channel: createIncidentChannel({ database, coalitions, box }),
      proofOfWork: config.proofOfWork ? createProofOfWork(box, config.proofOfWork) : null,
      logStream: options.logStream,
    });
    const retention = retentionJob({
      db: database.db,
      ...config.retention,
      onPurged: (purged) =>
        Object.values(purged).some((n) => n > 0) && app.log.info(purged, 'restricted data purged'),
    });
    const jobs = await startJobQueue(
      database,
      [
        retention,
        ...(invitationMail ? [invitationMail] : []),
        ...(secondFactorNotice ? [secondFactorNotice] : []),
        ...(smsReply ? [smsReply] : []),
        ...(smsMedia ? [smsMedia] : []),
        subscriptionConfirm,
        delivery.fanOutJob,
        delivery.sendJob,
        dispatchJob.offerExpiry,
        dispatchNotify,
        dispatchJob.sweep,
      ],
      {
        pollSeconds: config.jobs.pollSeconds,
        work: options.work ?? true,
        onError: (error) => app.log.error({ err: error }, 'job queue error'),
      },
    );
    queue = jobs;
    // Whatever a stopped or crashed worker left unsent is taken up again.
    if (options.work ?? true) {
      await delivery.resume();
      await responderTexts.backfill();
      await reports.sealPlainMarkings();
    }

    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        const started = performance.now();
        await app.close();
        app.log.info('http server closed');
        await jobs.stop(config.shutdownTimeoutMs);
        await grouper?.stop();
        app.log.info('job workers stopped');
        await hub.close();
        await push.close();
        outbound.close();
        mailer?.close();
        if (ownsDatabase) await database.close();
        app.log.info({ ms: Math.round(performance.now() - started) }, 'stopped');
      })();
      return stopping;
    };
    return {
      app,
      routeAccess,
      box,
      services: { sessions, people, dispatch, responderTexts, reports },
      database,
      jobs,
      hub,
      grouper,
      jobDefinitions: {
        retention,
        invitationMail,
        secondFactorNotice,
        smsReply,
        smsMedia,
        subscriptionConfirm,
        alertFanOut: delivery.fanOutJob,
        alertSend: delivery.sendJob,
        dispatchNotify,
        dispatchSweep: dispatchJob.sweep,
      },
      stop,
    };
  } catch (error) {
    await grouper?.stop();
    if (ownsDatabase) await database.close().catch(() => undefined);
    throw error;
  }
}
