import type { Platform } from '../../platform.js';
import { relyingParty } from '../access/passkeys.js';
import type { FaroModule } from '../module.js';
import { planCaseJob } from './plan-case.job.js';
import { planMailJob } from './plan-mail.job.js';
import { registerPlanPasskeyRoutes } from './plan-passkeys.routes.js';
import { planSmsJob } from './plan-sms.job.js';
import { registerPlanRoutes } from './plans.routes.js';
import { createPlanService, type PlanCases } from './plans.service.js';

/**
 * Emergency plans (issue 16): written and opened by a member with code and
 * PIN, activated from the web, by text or on the hotline, texts sent from the
 * job queue; a consented activation opens a case through the cases module.
 */
export function createPlansModule(platform: Platform, deps: { cases: PlanCases }) {
  const { config, database, box, jobs, sms } = platform;
  const plans = createPlanService({
    database,
    box,
    now: platform.now,
    jobs,
    smsEnabled: sms !== null,
    mailEnabled: platform.mailer !== null,
    smsDestinations: config.subscriptions.sms,
    publicUrl: config.publicUrl,
    rp: relyingParty(config.publicUrl),
    cases: deps.cases,
  });
  const planCase = planCaseJob(plans);
  const planMail = platform.mailer ? planMailJob({ mailer: platform.mailer, box }) : null;
  const planSms = sms ? planSmsJob({ sender: sms, box }) : null;
  return {
    services: { plans },
    jobDefinitions: { planSms, planCase, planMail },
    jobs: [planCase, ...(planSms ? [planSms] : []), ...(planMail ? [planMail] : [])],
    routes(app) {
      registerPlanPasskeyRoutes(app, { plans, lookupsPerMinute: config.rateLimits.lookupsPerMinute });
      registerPlanRoutes(app, {
        plans,
        lookupsPerMinute: config.rateLimits.lookupsPerMinute,
        proofOfWork: platform.proofOfWork,
      });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
