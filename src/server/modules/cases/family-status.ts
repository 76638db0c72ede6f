import { randomInt, randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  FAMILY_CODE_LENGTH,
  FAMILY_PIN_LENGTH,
  type FamilyStage,
  type FamilyStatus,
  languageOfContact,
} from '../../../shared/family-status.js';
import type { PublicContacts } from '../../../shared/pages.js';
import { toE164 } from '../../../shared/phone.js';
import { formatPlanCode, normalizePlanCode } from '../../../shared/plan.js';
import { RECEIPT_ALPHABET } from '../../../shared/receipt.js';
import type { Language } from '../../../shared/report-fields.js';
import { formatTime } from '../../../shared/time.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import { AppError } from '../../http/errors.js';
import { declareJob, handleJob, type JobQueue } from '../../jobs/queue.js';
import { message } from '../../locales/messages.js';
import { type BackOff, type CodeSender, senderAttemptKey, unlockWithCode } from '../access/code-unlock.js';
import { hashPassword } from '../access/passwords.js';
import { type SmsDestinationPolicy, smsRefusal } from '../alerts/subscription-contacts.js';
import type { SmsSender } from '../sms/twilio.js';
import type { CaseRow } from './cases.repo.js';
import { organizationName } from './cases.repo.js';
import type { CaseActor, CaseCore } from './cases.service.js';
import { invalid } from './cases.service.js';
import {
  clearFamilyAttempts,
  familyAccessByCode,
  familyAccessOf,
  familyCodeTaken,
  familyTextSeen,
  forgiveFamilyAttempt,
  insertFamilyAccess,
  nextHearingAt,
  purgeOldFamilyAttempts,
  purgeOldFamilyTexts,
  recordFamilyText,
  revokeFamilyAccess,
  takeFamilyAttempt,
} from './family-status.repo.js';
import { findContact } from './schedule.repo.js';
import { context, openJson } from './sealing.js';

/** Wrong attempts on one family code: three free, then 10 s doubling up to an hour (as a plan code). */
export const FAMILY_CODE_BACK_OFF: BackOff = { freeFailures: 3, baseSeconds: 10, maxSeconds: 3600 };
/** On one case code from everyone (many phones guessing together): twenty free, then a minute doubling to an hour. */
export const FAMILY_CODE_TOTAL_BACK_OFF: BackOff = { freeFailures: 20, baseSeconds: 60, maxSeconds: 3600 };
/** Per sender: ten free, then 5 s doubling up to 30 minutes (a shared phone, a family's several cases). */
export const FAMILY_SENDER_BACK_OFF: BackOff = { freeFailures: 10, baseSeconds: 5, maxSeconds: 1800 };

/** The keyed digest a family code is found by: the code itself is never stored. */
export const familyCodeDigest = (box: SecretBox, symbols: string) => box.digest(symbols, 'case-family-code');
/** The PIN as the slow hash sees it: keyed first, so a copy of the database alone cannot be guessed offline. */
const pepperedPin = (box: SecretBox, pin: string) => box.digest(pin, 'case-family-pin');

const attemptStore = { take: takeFamilyAttempt, forgive: forgiveFamilyAttempt, clear: clearFamilyAttempts };

/** The same answer for an unknown code, a revoked one, another coalition's, a wrong PIN. */
const noMatch = () => new AppError('NOT_FOUND', 'No case matches this code and PIN.');

/**
 * What a family is told of a case: its stage only. Closed first (whatever the custody was), then
 * custody: unknown → still looking; bond or recognizance → released. The next hearing (date and
 * time, nothing else) while the case is open and the person not removed.
 */
export function familyStage(
  row: Pick<CaseRow, 'status' | 'closedAt'>,
  nextHearing: Date | null,
): { stage: FamilyStage; hearingAt: Date | null } {
  if (row.closedAt) return { stage: 'closed', hearingAt: null };
  const stage: FamilyStage =
    row.status === 'unknown'
      ? 'looking'
      : row.status === 'released_on_bond' || row.status === 'released_on_recognizance'
        ? 'released'
        : row.status;
  return { stage, hearingAt: stage === 'removed' ? null : nextHearing };
}

/** The family's status as one text, in their language (the SMS answer). */
export function familyStatusText(status: FamilyStatus, language: Language, timeZone: string): string {
  const parts = [message(language, `familyStatus.stage.${status.stage}`)];
  if (status.hearingAt)
    parts.push(
      message(language, 'familyStatus.hearing', {
        date: formatTime(status.hearingAt, language, timeZone, 'long'),
      }),
    );
  parts.push(
    status.phone
      ? message(language, 'familyStatus.callWithPhone', {
          organization: status.organization,
          phone: status.phone,
        })
      : message(language, 'familyStatus.call', { organization: status.organization }),
  );
  return parts.join(' ');
}

/** The text carrying a family's code (never the PIN: that is read to them over the phone). */
const familySmsSchema = z.object({
  /** `family:<access id>`: binds the sealed values to this job. */
  ref: z.string(),
  to: z.string(),
  body: z.string(),
});
export const familySmsJobType = declareJob({
  name: 'cases.family_sms',
  payload: familySmsSchema,
  retryLimit: 8,
  retryDelaySeconds: 10,
});

/** Hands the code's text to the SMS provider; number and text sealed in the job row. */
export function familySmsJob(deps: { sender: SmsSender; box: SecretBox }) {
  return handleJob(familySmsJobType, async (sms) => {
    const to = deps.box.open(sms.to, `case-family-sms:${sms.ref}`);
    await deps.sender.send(to, deps.box.open(sms.body, `case-family-sms:${sms.ref}`));
  });
}

type ContactDetails = { name: string; phone?: string; language?: string; relation?: string };

export interface FamilyStatusDeps {
  jobs: Pick<JobQueue, 'send'>;
  /** False when no SMS provider is set up: codes can be issued, not texted. */
  smsEnabled: boolean;
  smsDestinations: SmsDestinationPolicy;
  /** The coalition's public numbers (its hotline is the number a family is given). */
  publicContacts(coalitionId: string): Promise<PublicContacts>;
  publicUrl: string;
  timeZone: string;
}

/**
 * Family status without an account: the holding team issues a contact a case code and a PIN (shown
 * once, optionally the code texted), revokes it; anyone with both learns the stage and whom to call,
 * by web or by text. Codes follow the case (a referral names the new organization) and go with it.
 */
export function createFamilyStatus(core: CaseCore, deps: FamilyStatusDeps) {
  const { database, box, now, audit } = core;

  const contactOf = (row: { id: string; details: string }) =>
    openJson<ContactDetails>(box, row.details, context.contact(row.id));

  /** The case if this person is on the team holding it (404 to anyone who may not know it). */
  async function held(
    db: Parameters<CaseCore['reach']>[0],
    coalitionId: string,
    actor: CaseActor,
    id: string,
  ) {
    const { row, holds } = await core.reach(db, coalitionId, actor, id, true);
    if (!holds) throw new AppError('FORBIDDEN', 'Only the legal team holding this case may do this.');
    return row;
  }

  const service = {
    /**
     * Issues a contact a case code and a PIN, replacing any they had: both are answered once (to be
     * read over the phone) and only their digests kept. `text`: the code alone is texted to the
     * contact's phone in their language, in the same transaction.
     */
    async issueFamilyAccess(
      coalitionId: string,
      actor: CaseActor,
      caseId: string,
      input: { contactId: string; text: boolean },
    ): Promise<{ code: string; pin: string; texted: boolean }> {
      const at = now();
      let pin = '';
      for (let i = 0; i < FAMILY_PIN_LENGTH; i++) pin += String(randomInt(10));
      const pinHash = await hashPassword(pepperedPin(box, pin));
      return database.transaction(async (tx) => {
        const { db } = tx;
        const row = await held(db, coalitionId, actor, caseId);
        if (row.closedAt)
          throw invalid('contactId', 'The case is closed: reopen it to give a family a code.');
        const contactRow = await findContact(db, caseId, input.contactId);
        if (!contactRow) throw invalid('contactId', 'No family contact with this id on this case.');
        const contact = contactOf(contactRow);
        const phone = contact.phone ? toE164(contact.phone) : null;
        if (input.text) {
          if (!deps.smsEnabled)
            throw invalid('text', 'Texting is not set up: read the code to them instead.');
          if (!phone || smsRefusal(phone, deps.smsDestinations) !== null)
            throw invalid('text', 'This contact has no phone number Faro can text: read the code to them.');
        }
        let symbols = '';
        for (;;) {
          symbols = '';
          for (let i = 0; i < FAMILY_CODE_LENGTH; i++)
            symbols += RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)];
          // ~2^49 codes: a collision is all but impossible, and then another is drawn.
          if (!(await familyCodeTaken(db, familyCodeDigest(box, symbols)))) break;
        }
        await revokeFamilyAccess(db, caseId, input.contactId, at);
        const accessId = randomUUID();
        await insertFamilyAccess(db, {
          id: accessId,
          coalitionId,
          caseId,
          contactId: input.contactId,
          codeDigest: familyCodeDigest(box, symbols),
          pinHash,
          issuedBy: actor.userId,
          createdAt: at,
        });
        await audit(db, coalitionId, actor.userId, 'case.family_access_issued', caseId, at);
        const code = formatPlanCode(symbols);
        if (input.text && phone) {
          const language = languageOfContact(contact.language) ?? 'en';
          const organization = (await organizationName(db, row.organizationId)) ?? '';
          const body = message(language, 'familyStatus.codeText', {
            organization,
            code,
            url: `${deps.publicUrl}/family`,
          });
          const ref = `family:${accessId}`;
          await deps.jobs.send(
            familySmsJobType,
            {
              ref,
              to: box.seal(phone, `case-family-sms:${ref}`),
              body: box.seal(body, `case-family-sms:${ref}`),
            },
            tx.client,
          );
        }
        return { code, pin, texted: input.text };
      });
    },

    /** Revokes a contact's code: from now on it finds nothing. */
    async revokeFamilyAccess(coalitionId: string, actor: CaseActor, caseId: string, contactId: string) {
      const at = now();
      return database.transaction(async ({ db }) => {
        await held(db, coalitionId, actor, caseId);
        const revoked = await revokeFamilyAccess(db, caseId, contactId, at);
        if (revoked === 0) throw new AppError('NOT_FOUND', 'This contact has no code in force.');
        await audit(db, coalitionId, actor.userId, 'case.family_access_revoked', caseId, at);
        return { revoked: true as const };
      });
    },

    /**
     * Which contacts of a case hold a code in force, since when (for anyone who may know the case);
     * a reading of the case, audited as every other one is.
     */
    async familyAccess(coalitionId: string, actor: CaseActor, caseId: string) {
      return database.transaction(async ({ db }) => {
        await core.reach(db, coalitionId, actor, caseId);
        const rows = await familyAccessOf(db, caseId);
        await audit(db, coalitionId, actor.userId, 'case.viewed', caseId);
        return {
          access: rows.map((r) => ({ contactId: r.contactId, issuedAt: r.issuedAt.toISOString() })),
        };
      });
    },

    /**
     * What a family is told, for a code and PIN: refused the same way for an unknown code, a revoked
     * one, another coalition's or a wrong PIN (one slow hash each), with back-off per code and per
     * sender. Each reading is audited against the case (no actor: nobody signed in).
     */
    async familyStatus(
      coalitionId: string,
      credentials: { code: string; pin: string },
      sender: CodeSender,
    ): Promise<FamilyStatus> {
      const symbols = normalizePlanCode(credentials.code) ?? credentials.code.toUpperCase();
      const codeDigest = familyCodeDigest(box, symbols);
      const found = await unlockWithCode(core, {
        store: attemptStore,
        codeKey: `code:${codeDigest}`,
        senderKey: senderAttemptKey(box, 'case-family-sender', sender, now()),
        codeBackOff: FAMILY_CODE_BACK_OFF,
        codeTotalBackOff: FAMILY_CODE_TOTAL_BACK_OFF,
        senderBackOff: FAMILY_SENDER_BACK_OFF,
        find: (db) => familyAccessByCode(db, coalitionId, codeDigest),
        pinHashOf: (row) => row.access.pinHash,
        pin: pepperedPin(box, credentials.pin),
        noMatch,
      });
      const at = now();
      const db = database.db;
      const { stage, hearingAt } = familyStage(found.case, await nextHearingAt(db, found.case.id, at));
      const contacts = await deps.publicContacts(coalitionId).catch(() => ({}) as PublicContacts);
      await audit(db, coalitionId, null, 'case.family_status_read', found.case.id, at);
      return {
        stage,
        hearingAt: hearingAt ? hearingAt.toISOString() : null,
        organization: (await organizationName(db, found.case.organizationId)) ?? '',
        phone: contacts.hotline ?? null,
        language: languageOfContact(contactOf(found.contact).language),
      };
    },

    /**
     * `STATUS <code> <PIN>` texted from any phone: the answer (the status, or why not) texted back
     * sealed, in the contact's language (else the one the text was in), once per provider message.
     * False when the message was answered already.
     */
    async answerFamilyText(
      coalitionId: string,
      sms: { from: string; messageSid: string; code: string; pin: string; language: Language },
    ): Promise<boolean> {
      const sourceRef = `sms:${sms.messageSid}`;
      if (await familyTextSeen(database.db, sourceRef)) return false;
      let body: string;
      try {
        const status = await service.familyStatus(
          coalitionId,
          { code: sms.code, pin: sms.pin },
          { kind: 'phone', value: sms.from },
        );
        body = familyStatusText(status, status.language ?? sms.language, deps.timeZone);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        if (error.code === 'NOT_FOUND') body = message(sms.language, 'familyStatus.reply.noMatch');
        else if (error.code === 'RATE_LIMITED') {
          const seconds = Number(error.details?.retryAfterSeconds ?? 60);
          body = message(sms.language, 'familyStatus.reply.blocked', {
            minutes: String(Math.max(1, Math.ceil(seconds / 60))),
          });
        } else throw error;
      }
      return database.transaction(async (tx) => {
        // Two deliveries of one message at once: only the first to record it answers.
        if (!(await recordFamilyText(tx.db, sourceRef, now()))) return false;
        await deps.jobs.send(
          familySmsJobType,
          {
            ref: sourceRef,
            to: box.seal(sms.from, `case-family-sms:${sourceRef}`),
            body: box.seal(body, `case-family-sms:${sourceRef}`),
          },
          tx.client,
        );
        return true;
      });
    },

    /** Whether to answer a garbled status text with the format: once per provider message. */
    async answerFamilyFormat(messageSid: string): Promise<boolean> {
      return recordFamilyText(database.db, `sms:${messageSid}`, now());
    },

    /** Attempts and answered texts untouched for two days are forgotten (the retention job). */
    async purgeFamilyAttempts(): Promise<number> {
      const before = new Date(now().getTime() - 2 * 86_400_000);
      await purgeOldFamilyTexts(database.db, before);
      return purgeOldFamilyAttempts(database.db, before);
    },
  };
  return service;
}
export type FamilyStatusService = ReturnType<typeof createFamilyStatus>;
