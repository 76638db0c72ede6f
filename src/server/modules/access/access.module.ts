import type { Platform } from '../../platform.js';
import type { FaroModule } from '../module.js';
import { registerAdminRoutes } from './admin.routes.js';
import { registerAuthRoutes, sessionWithToken } from './auth.routes.js';
import { upgradeCodeHashes } from './code-hash.js';
import { invitationMailJob } from './invitation-mail.job.js';
import { createInvitationService } from './invitations.service.js';
import { registerPasskeyRoutes } from './passkeys.routes.js';
import { createPasskeyService } from './passkeys.service.js';
import { createPeopleService } from './people.service.js';
import { secondFactorNoticeJob } from './second-factor-notice.job.js';
import { createSessionService } from './sessions.service.js';
import { createSignInService } from './sign-in.service.js';

/** Who may do what: sessions, sign-in with a second factor or a passkey, invitations, people and roles. */
export async function createAccessModule(platform: Platform) {
  const { config, database, box, now, mailer, jobs } = platform;
  // Codes stored unkeyed by an earlier version become keyed hashes (idempotent, usually nothing to do).
  await upgradeCodeHashes(database.db, box);
  const sessions = createSessionService({ db: database.db, now, ...config.sessions });
  const invitationMail = mailer ? invitationMailJob({ mailer, box, timeZone: config.timeZone }) : null;
  const secondFactorNotice = mailer ? secondFactorNoticeJob({ mailer, timeZone: config.timeZone }) : null;
  const signIn = createSignInService({
    database,
    sessions,
    box,
    now,
    issuer: 'Faro',
    enqueueNotice: secondFactorNotice
      ? (notice, within) => jobs.send(secondFactorNotice, notice, within)
      : undefined,
  });
  const invitations = createInvitationService({
    database,
    sessions,
    box,
    now,
    enqueueMail: invitationMail ? (mail, within) => jobs.send(invitationMail, mail, within) : undefined,
  });
  const people = createPeopleService({ database, now });
  const passkeys = createPasskeyService({ database, now });
  const cookie = { secureCookie: config.sessions.secureCookie, absoluteHours: config.sessions.absoluteHours };

  return {
    services: { sessions, signIn, invitations, people, passkeys },
    cookie,
    jobDefinitions: { invitationMail, secondFactorNotice },
    jobs: [...(invitationMail ? [invitationMail] : []), ...(secondFactorNotice ? [secondFactorNotice] : [])],
    routes(app) {
      registerAuthRoutes(app, { sessions, signIn, invitations, cookie });
      registerAdminRoutes(app, { people, invitations, publicUrl: config.publicUrl });
      registerPasskeyRoutes(app, {
        passkeys,
        signIn,
        sessions,
        publicUrl: config.publicUrl,
        renewed: (reply, token) => sessionWithToken(sessions, cookie, reply, token),
      });
    },
  } satisfies FaroModule & Record<string, unknown>;
}
