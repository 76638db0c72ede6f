import type { PublicLanguage } from '../../../shared/languages.js';
import type { Platform } from '../../platform.js';
import type { SubscriptionService } from '../alerts/subscriptions.service.js';
import type { TextSubscriptions } from '../alerts/subscriptions.text.js';
import type { CasesService } from '../cases/cases.module.js';
import type { ResponderTexts } from '../dispatch/responder-texts.js';
import type { FaroModule } from '../module.js';
import type { PlanTexts } from '../plans/plan-texts.js';
import type { PhotoService } from '../reports/photos.js';
import type { ReportService } from '../reports/reports.service.js';
import type { RightsService } from '../rights/rights.service.js';
import type { ZoneService } from '../zones/zones.service.js';
import type { SmsCard } from './info-replies.js';
import { markAnswered, takeInfoReply } from './sms.repo.js';
import { registerSmsRoutes } from './sms.routes.js';
import { createSmsIntake } from './sms.service.js';
import { smsMediaJob } from './sms-media.job.js';
import { smsReplyJob, smsReplyJobType } from './sms-reply.job.js';

/** The coalition's wallet card (its first card item) as /rights shows it in `language`. */
const rightsCardOf =
  (rights: Pick<RightsService, 'published'>) =>
  async (coalitionId: string, language: PublicLanguage): Promise<SmsCard | null> => {
    const card = (await rights.published(coalitionId, language)).items.find((item) => item.kind === 'card');
    if (!card) return null;
    return {
      language: card.language,
      title: card.text.title,
      points: card.text.points,
      reviewed: card.reviewed,
    };
  };

/**
 * The hotline by text: reports taken from SMS and MMS, replies and follow-ups
 * to the reporter, responders' one-word answers, STOP. Off (its webhook
 * answers that it is not set up) when the network has no SMS provider.
 */
export function createSmsModule(
  platform: Platform,
  deps: {
    reports: ReportService;
    photos: PhotoService;
    zones: ZoneService;
    subscriptions: Pick<SubscriptionService, 'stopSms'>;
    /** Subscribing to alerts by text (the alerts module keeps the subscriptions). */
    textSubscriptions?: TextSubscriptions;
    responderTexts: Pick<ResponderTexts, 'forget' | 'answer' | 'isResponder'>;
    /** RIGHTS by text: the card as /rights shows it (the rights module keeps the library). */
    rights?: Pick<RightsService, 'published'>;
    plans?: Pick<PlanTexts, 'activate' | 'answerFormat'>;
    familyTexts?: Pick<CasesService, 'answerFamilyText' | 'answerFamilyFormat'>;
  },
) {
  const { config, database, box, jobs, sms } = platform;
  const smsReply = sms ? smsReplyJob({ sender: sms, box, publicUrl: config.publicUrl }) : null;
  const smsMedia = config.sms
    ? smsMediaJob({
        photos: deps.photos,
        provider: config.sms,
        outbound: platform.outbound,
        onRefused: (reason) => platform.log.warn(`an MMS picture was not fetched: refused (${reason})`),
      })
    : null;
  const smsIntake = sms
    ? createSmsIntake({
        reports: deps.reports,
        zones: deps.zones,
        box,
        db: database.db,
        ...(deps.plans ? { plans: deps.plans } : {}),
        ...(deps.familyTexts ? { family: deps.familyTexts } : {}),
        ...(deps.textSubscriptions ? { alertTexts: deps.textSubscriptions } : {}),
        enqueueMedia: async (media, tx) => {
          if (smsMedia) await jobs.send(smsMedia, media, tx.client);
        },
        enqueueReply: async (reply, tx) => void (await jobs.send(smsReplyJobType, reply, tx?.client)),
        onStop: async (coalitionId, from) => {
          await deps.subscriptions.stopSms(coalitionId, from);
          await deps.responderTexts.forget(from);
        },
        answerResponder: (coalitionId, from, body) => deps.responderTexts.answer(coalitionId, from, body),
        isResponder: (coalitionId, from) => deps.responderTexts.isResponder(coalitionId, from),
        answerOnce: (messageSid, send) =>
          database.transaction(async (tx) => {
            if (!(await markAnswered(tx.db, messageSid, platform.now()))) return false;
            await send(tx);
            return true;
          }),
        takeInfoReply: (tx, key, max) => takeInfoReply(tx.db, key, platform.now(), max),
        ...(deps.rights ? { rightsCard: rightsCardOf(deps.rights) } : {}),
      })
    : null;

  return {
    services: { smsIntake },
    jobDefinitions: { smsReply, smsMedia },
    jobs: [...(smsReply ? [smsReply] : []), ...(smsMedia ? [smsMedia] : [])],
    routes(app) {
      registerSmsRoutes(app, {
        smsIntake,
        authToken: config.sms?.authToken ?? null,
        publicUrl: config.publicUrl,
      });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
