import type { Platform } from '../../platform.js';
import type { FaroModule } from '../module.js';
import { planSmsJob } from './plan-sms.job.js';
import { registerPlanRoutes } from './plans.routes.js';
import { createPlanService } from './plans.service.js';

/**
 * Emergency plans (issue 16): written and opened by a member with code and
 * PIN, activated from the web, by text or on the hotline, texts sent from the
 * job queue. Opening a case on activation belongs to the cases module (next).
 */
export function createPlansModule(platform: Platform) {
  const { config, database, box, jobs, sms } = platform;
  const plans = createPlanService({
    database,
    box,
    now: platform.now,
    jobs,
    smsEnabled: sms !== null,
    smsDestinations: config.subscriptions.sms,
    publicUrl: config.publicUrl,
  });
  const planSms = sms ? planSmsJob({ sender: sms, box }) : null;
  return {
    services: { plans },
    jobDefinitions: { planSms },
    jobs: planSms ? [planSms] : [],
    routes(app) {
      registerPlanRoutes(app, { plans, lookupsPerMinute: config.rateLimits.lookupsPerMinute });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
