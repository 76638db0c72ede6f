import { randomInt, randomUUID } from 'node:crypto';
import type { CasePerson } from '../../../shared/cases.js';
import type { ErrorReason } from '../../../shared/errors.js';
import {
  formatPlanCode,
  PLAN_CODE_LENGTH,
  type PlanActivationChannel,
  type PlanContent,
  type PlanView,
  planContentSchema,
} from '../../../shared/plan.js';
import { RECEIPT_ALPHABET } from '../../../shared/receipt.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import type { JobQueue } from '../../jobs/queue.js';
import { message } from '../../locales/messages.js';
import { recordAudit } from '../access/audit.js';
import type { RelyingParty } from '../access/passkeys.js';
import { hashPassword } from '../access/passwords.js';
import { type SmsDestinationPolicy, smsRefusal } from '../alerts/subscription-contacts.js';
import type { CaseContactInput } from '../cases/cases.service.js';
import { planCaseJobType } from './plan-case.job.js';
import { planMailJobType, sealPlanMail } from './plan-mail.job.js';
import { createPlanPasskeys } from './plan-passkeys.js';
import { type PlanSms, planSmsJobType, sealPlanSms } from './plan-sms.job.js';
import {
  activationCountsSince,
  activationWithPlan,
  insertActivation,
  insertPlan,
  lockPlan,
  markCaseOpened,
  type PlanRow,
  planByCodeDigest,
  plansToRemind,
  planTextSeen,
  purgeOldAttempts,
  purgeOldPlanTexts,
  purgeUnconfirmedPlans,
  recordPlanText,
  updatePlan,
} from './plans.repo.js';
import { type PlanSender, pepperedPin, planCodeDigest, unlockPlan } from './unlock.js';

/** A plan not confirmed for a year is deleted; its member is reminded three weeks before. */
export const PLAN_RETENTION_DAYS = 365;
export const PLAN_REMINDER_DAYS_BEFORE = 21;
const DAY_MS = 86_400_000;
/** Real activations of one plan in 24 hours: its contacts are texted once; a repeat is refused. */
export const PLAN_ACTIVATIONS_PER_DAY = 1;
/** Tests of one plan in 24 hours (each texts the member's own number with every message). */
export const PLAN_TESTS_PER_DAY = 3;

type Credentials = { code: string; pin: string };

export interface PlanActivation {
  channel: PlanActivationChannel;
  /** `sms:<MessageSid>` for a text (the same text delivered twice activates once); fresh otherwise. */
  sourceRef: string;
  sender: PlanSender;
  /** The hotline operator entering it for a caller (audited). */
  actorId?: string;
  test?: boolean;
}

export type PlanService = ReturnType<typeof createPlanService>;

/** What plans need of the cases module. */
export interface PlanCases {
  legalOrganizations(coalitionId: string): Promise<{ id: string; name: string }[]>;
  openForPlan(
    coalitionId: string,
    input: {
      id: string;
      organizationId: string;
      person: CasePerson;
      consent: { givenBy: string; method: 'plan'; at?: string };
      contacts: CaseContactInput[];
      note?: string;
    },
  ): Promise<{ id: string; organizationId: string } | null>;
}

/**
 * Emergency plans (issue 16): written by a member without an account, kept
 * sealed, found only by code and PIN, and activated from the web, by a text
 * from any phone, or by a hotline operator — each contact texted in their
 * own language through the job queue.
 */
export function createPlanService(deps: {
  database: Database;
  box: SecretBox;
  now: () => Date;
  jobs: Pick<JobQueue, 'send' | 'wake'>;
  /** False when no SMS provider is set up: plans can be written, not activated. */
  smsEnabled: boolean;
  /** Whether e-mail can be sent (contacts with an address get their message that way too). */
  mailEnabled: boolean;
  /** Which numbers Faro texts at all (the same rule as SMS subscriptions): a plan names no others. */
  smsDestinations: SmsDestinationPolicy;
  publicUrl: string;
  /** Where passkeys are scoped (this site's public address). */
  rp: RelyingParty;
  /** The legal teams' side (the cases module): where a consented activation opens its case. */
  cases: PlanCases;
}) {
  const { database, box } = deps;
  const seal = (id: string, content: PlanContent) => box.seal(JSON.stringify(content), `plan:${id}`);
  const contentOf = (plan: PlanRow): PlanContent =>
    planContentSchema.parse(JSON.parse(box.open(plan.sealed, `plan:${plan.id}`)));

  const queue = async (texts: { to: string; body: string }[], refBase: string, tx?: Tx) => {
    const jobs: PlanSms[] = texts.map((text, i) => sealPlanSms(box, `${refBase}:${i}`, text.to, text.body));
    for (const job of jobs) await deps.jobs.send(planSmsJobType, job, tx?.client);
  };

  const unlock = (coalitionId: string, credentials: Credentials, sender: PlanSender) =>
    unlockPlan(
      {
        database,
        box,
        now: deps.now,
        onRepeatedFailures: async (plan) => {
          if (!deps.smsEnabled) return;
          const first = contentOf(plan).contacts[0];
          if (!first) return;
          await queue(
            [{ to: first.phone, body: message(first.language, 'plans.sms.trying') }],
            `notice:${randomUUID()}`,
          );
          deps.jobs.wake(planSmsJobType);
        },
      },
      coalitionId,
      credentials,
      sender,
    );

  const consentFields = (content: PlanContent, before: PlanRow | null, at: Date) =>
    content.caseConsent
      ? {
          caseConsentAt: before?.caseConsentAt ?? at,
          caseConsentHow: before?.caseConsentHow ?? 'plan-form',
        }
      : { caseConsentAt: null, caseConsentHow: null };

  /** Every number the plan would text is one Faro texts: its country served, no premium-rate range. */
  const requireServedNumbers = (content: PlanContent) => {
    const numbers = [
      ...content.contacts.map((contact, i) => ({ field: `contacts.${i}.phone`, phone: contact.phone })),
      ...(content.memberPhone ? [{ field: 'memberPhone', phone: content.memberPhone }] : []),
    ];
    const refused = numbers.filter(({ phone }) => smsRefusal(phone, deps.smsDestinations) !== null);
    if (refused.length > 0)
      throw new AppError(
        'VALIDATION',
        'Faro does not text this number: use a number in the country it serves.',
        {
          fields: refused.map(({ field }) => ({ field, message: 'is not a number Faro texts' })),
        },
      );
  };

  /**
   * With consent, the case needs the member's name and an organization with a legal team (the
   * form lists them): a plan that could not open its case would fail the member when it matters.
   */
  const requireCaseFacts = async (coalitionId: string, content: PlanContent) => {
    if (!content.caseConsent) return;
    const fields: { field: string; message: string }[] = [];
    if (!content.person?.name) fields.push({ field: 'person.name', message: 'is needed to open a case' });
    const teams = await deps.cases.legalOrganizations(coalitionId);
    if (!teams.some((team) => team.id === content.legalOrganizationId))
      fields.push({
        field: 'legalOrganizationId',
        message: teams.length
          ? 'choose one of the organizations listed'
          : 'no organization has a legal team yet',
      });
    if (fields.length > 0)
      throw new AppError(
        'VALIDATION',
        'To let the legal team open a case, write your full name and choose their organization.',
        { fields },
      );
  };

  const requireMemberPhoneForTests = (content: PlanContent) => {
    if (content.testMode && !content.memberPhone)
      throw new AppError('VALIDATION', 'Test mode texts your own number: add it first.', {
        fields: [{ field: 'memberPhone', message: 'is needed for test mode' }],
      });
  };

  /** The texts an activation sends: each contact's in their language and the first contact's confirmation, or a test to the member. */
  const textsOf = (content: PlanContent, test: boolean) => {
    const framed = content.contacts.map((contact) => ({
      to: contact.phone,
      body: message(contact.language, 'plans.sms.activated', { message: contact.message }),
    }));
    if (test) {
      const member = content.memberPhone;
      if (!member)
        throw new AppError('VALIDATION', 'A test texts your own number: add it to the plan first.');
      return framed.map((text, i) => ({
        to: member,
        body: message(content.memberLanguage, 'plans.sms.test', {
          n: String(i + 1),
          total: String(framed.length),
          text: text.body,
        }),
      }));
    }
    const first = content.contacts[0];
    const confirmation = first
      ? [
          {
            to: first.phone,
            body: message(first.language, 'plans.sms.confirmation', { count: String(framed.length) }),
          },
        ]
      : [];
    return [...framed, ...confirmation];
  };

  /**
   * Activates an unlocked plan: the activation and every text are written in one transaction (a
   * crash loses nothing; the queue retries), once per source.
   */
  async function activatePlan(
    coalitionId: string,
    plan: PlanRow,
    via: PlanActivation,
  ): Promise<{ messages: number; test: boolean; duplicate: boolean }> {
    if (plan.state !== 'active')
      throw new AppError('INVALID_TRANSITION', 'This plan is deactivated: save it again to turn it on.');
    const content = contentOf(plan);
    const test = Boolean(via.test) || plan.testMode;
    const texts = textsOf(content, test);
    const at = deps.now();
    const activationId = randomUUID();
    const recorded = await database.transaction(async (tx) => {
      // One at a time per plan, counted over the last day: a plan is not a way to text strangers
      // again and again from the coalition's number (the provider would block it).
      await lockPlan(tx.db, plan.id);
      const recent = await activationCountsSince(tx.db, plan.id, new Date(at.getTime() - DAY_MS));
      const fresh = await insertActivation(tx.db, {
        id: activationId,
        planId: plan.id,
        coalitionId,
        channel: via.channel,
        sourceRef: via.sourceRef,
        test,
        caseConsent: plan.caseConsentAt !== null,
        actorId: via.actorId ?? null,
        messages: texts.length,
        at,
      });
      if (!fresh) return false;
      if (!test && recent.real >= PLAN_ACTIVATIONS_PER_DAY)
        throw new AppError(
          'CONFLICT',
          'This plan was already activated in the last 24 hours: its contacts were texted then. Call the hotline if something changed.',
          { reason: 'plan_already_activated' satisfies ErrorReason },
        );
      if (test && recent.test >= PLAN_TESTS_PER_DAY)
        throw new AppError('RATE_LIMITED', `A plan can be tested ${PLAN_TESTS_PER_DAY} times a day.`, {
          retryAfterSeconds: DAY_MS / 1000,
        });
      await queue(texts, `activation:${activationId}`, tx);
      // Where the member gave an address, the contact's message by e-mail too (not in a test).
      if (!test && deps.mailEnabled)
        for (const [i, contact] of content.contacts.entries())
          if (contact.email)
            await deps.jobs.send(
              planMailJobType,
              sealPlanMail(box, `${activationId}:${i}`, {
                to: contact.email,
                subject: message(contact.language, 'plans.mail.subject'),
                text: message(contact.language, 'plans.mail.text', { message: contact.message }),
              }),
              tx.client,
            );
      // The case is opened by its own job, committed with the activation: the texts never wait
      // for it, and a crash or a failing step is retried until it is open (once: its id is the
      // activation's).
      if (!test && plan.caseConsentAt && content.caseConsent)
        await deps.jobs.send(planCaseJobType, { activationId }, tx.client);
      if (via.actorId)
        await recordAudit(tx.db, {
          coalitionId,
          actorId: via.actorId,
          action: 'plan.activated',
          subjectType: 'plan',
          subjectId: activationId,
          at,
        });
      return true;
    });
    if (recorded) {
      deps.jobs.wake(planSmsJobType);
      if (deps.mailEnabled) deps.jobs.wake(planMailJobType);
    }
    return { messages: recorded ? texts.length : 0, test, duplicate: !recorded };
  }

  const viewOf = async (plan: PlanRow): Promise<PlanView> => ({
    ...contentOf(plan),
    state: plan.state,
    lastConfirmedAt: plan.lastConfirmedAt.toISOString(),
    caseConsentAt: plan.caseConsentAt?.toISOString() ?? null,
    passkeys: await passkeys.count(plan.id),
  });

  const passkeys = createPlanPasskeys({
    database,
    now: deps.now,
    rp: deps.rp,
    unlock,
    activate: (plan, via) => {
      if (!deps.smsEnabled) throw new AppError('UNAVAILABLE', 'Texting is not set up on this server.');
      return activatePlan(plan.coalitionId, plan, via);
    },
  });

  return {
    /** Stores a new plan; returns its code, shown to the member once and never stored. */
    async create(coalitionId: string, input: PlanContent & { pin: string }): Promise<{ code: string }> {
      const { pin, ...content } = input;
      requireMemberPhoneForTests(content);
      requireServedNumbers(content);
      await requireCaseFacts(coalitionId, content);
      const at = deps.now();
      const id = randomUUID();
      const pinHash = await hashPassword(pepperedPin(box, pin));
      for (;;) {
        let symbols = '';
        for (let i = 0; i < PLAN_CODE_LENGTH; i++)
          symbols += RECEIPT_ALPHABET[randomInt(RECEIPT_ALPHABET.length)];
        const codeDigest = planCodeDigest(box, symbols);
        // ~2^49 codes: a collision is all but impossible, and then another is drawn.
        if (await planByCodeDigest(database.db, coalitionId, codeDigest)) continue;
        await insertPlan(database.db, {
          id,
          coalitionId,
          codeDigest,
          pinHash,
          sealed: seal(id, content),
          contactCount: content.contacts.length,
          ...consentFields(content, null, at),
          testMode: content.testMode,
          state: 'active',
          lastConfirmedAt: at,
        });
        return { code: formatPlanCode(symbols) };
      }
    },

    /** The plan, for its member (code and PIN). */
    async open(coalitionId: string, credentials: Credentials, sender: PlanSender): Promise<PlanView> {
      return viewOf(await unlock(coalitionId, credentials, sender));
    },

    /** Saves the member's changes; saving confirms the plan (its year starts again) and turns it on. */
    async update(coalitionId: string, credentials: Credentials, content: PlanContent, sender: PlanSender) {
      requireMemberPhoneForTests(content);
      requireServedNumbers(content);
      const plan = await unlock(coalitionId, credentials, sender);
      await requireCaseFacts(coalitionId, content);
      const at = deps.now();
      await updatePlan(database.db, plan.id, {
        sealed: seal(plan.id, content),
        contactCount: content.contacts.length,
        ...consentFields(content, plan, at),
        testMode: content.testMode,
        state: 'active',
        lastConfirmedAt: at,
        reminderSentAt: null,
      });
    },

    /** Turns the plan off: nothing is sent until it is saved again. */
    async deactivate(coalitionId: string, credentials: Credentials, sender: PlanSender) {
      const plan = await unlock(coalitionId, credentials, sender);
      await updatePlan(database.db, plan.id, { state: 'deactivated' });
    },

    /** Whether this plan text (`sms:<MessageSid>`) was answered already (a repeated delivery). */
    textAnswered: (sourceRef: string) => planTextSeen(database.db, sourceRef),
    /** Marks a plan text answered: false when another delivery of it was answered first. */
    answerText: (sourceRef: string) => recordPlanText(database.db, sourceRef, deps.now()),

    /** Activates a plan opened by its code and PIN (activatePlan). */
    async activate(
      coalitionId: string,
      credentials: Credentials,
      via: PlanActivation,
    ): Promise<{ messages: number; test: boolean; duplicate: boolean }> {
      if (!deps.smsEnabled) throw new AppError('UNAVAILABLE', 'Texting is not set up on this server.');
      let plan: PlanRow;
      try {
        plan = await unlock(coalitionId, credentials, via.sender);
      } catch (error) {
        // An operator's refused code and PIN is audited (who, when; no plan: there may be none), so
        // a hotline account guessing PINs for someone else's code leaves a trace.
        if (via.actorId && error instanceof AppError)
          await recordAudit(database.db, {
            coalitionId,
            actorId: via.actorId,
            action: 'plan.activation_refused',
            subjectType: 'plan',
            subjectId: null,
            at: deps.now(),
          });
        throw error;
      }
      return activatePlan(coalitionId, plan, via);
    },

    /** Adding a passkey on the member's phone, and activating or opening the plan with it. */
    passkeys,

    /** The organizations a member may give consent to (those with a legal team). */
    legalOrganizations(coalitionId: string) {
      return deps.cases.legalOrganizations(coalitionId);
    },

    /**
     * Opens the case an activation asked for (the `plans.open-case` job), with the plan's facts: the
     * member as the person (consent given in the plan), the contacts as family contacts, the
     * instructions as the first note. Once per activation; nothing if the plan was deleted since.
     */
    async openCaseFor(activationId: string): Promise<void> {
      const found = await activationWithPlan(database.db, activationId);
      if (!found || found.activation.caseOpenedAt || !found.activation.caseConsent) return;
      const { activation, plan } = found;
      const content = contentOf(plan);
      const person = content.person;
      if (!content.caseConsent || !person?.name || !plan.caseConsentAt) return;
      const language = content.memberLanguage;
      const instructions = (['children', 'medications', 'documents', 'legalOrganization'] as const)
        .filter((key) => content.instructions[key])
        .map((key) => `${message(language, `plans.case.instructions.${key}`)}: ${content.instructions[key]}`);
      const opened = await deps.cases.openForPlan(activation.coalitionId, {
        id: activation.id,
        organizationId: content.legalOrganizationId ?? '',
        person: {
          name: person.name,
          ...(content.memberPhone ? { contact: content.memberPhone } : {}),
          ...(person.aNumber ? { aNumber: person.aNumber } : {}),
          ...(person.countryOfBirth ? { countryOfBirth: person.countryOfBirth } : {}),
          ...(person.dateOfBirth ? { dateOfBirth: person.dateOfBirth } : {}),
          language: message(language, `plans.case.language.${language}`),
        },
        consent: { givenBy: person.name, method: 'plan', at: plan.caseConsentAt.toISOString() },
        contacts: content.contacts.map((contact) => ({
          name: contact.name || contact.phone,
          phone: contact.phone,
          language: contact.language,
          relation: message(language, `plans.case.tasks.${contact.task}`),
        })),
        note: [
          message(language, 'plans.case.note', { at: activation.at.toISOString() }),
          ...instructions,
        ].join('\n'),
      });
      // No legal team anywhere: retried by the queue until one exists or its attempts run out.
      if (!opened) throw new Error("no organization has a legal team: the plan's case waits");
      await markCaseOpened(database.db, activation.id, deps.now());
    },

    /**
     * Retention: reminds members whose plan has not been confirmed for almost a year (by text, to
     * their own number when they gave one), deletes plans past the year, forgets old attempts.
     */
    async purgeExpired(): Promise<number> {
      const now = deps.now().getTime();
      const cutOff = new Date(now - PLAN_RETENTION_DAYS * DAY_MS);
      const remindBefore = new Date(now - (PLAN_RETENTION_DAYS - PLAN_REMINDER_DAYS_BEFORE) * DAY_MS);
      for (const plan of await plansToRemind(database.db, remindBefore)) {
        const content = contentOf(plan);
        const deletion = new Date(plan.lastConfirmedAt.getTime() + PLAN_RETENTION_DAYS * DAY_MS);
        await database.transaction(async (tx) => {
          await updatePlan(tx.db, plan.id, { reminderSentAt: new Date(now) });
          if (deps.smsEnabled && content.memberPhone)
            await queue(
              [
                {
                  to: content.memberPhone,
                  body: message(content.memberLanguage, 'plans.sms.reminder', {
                    date: deletion.toISOString().slice(0, 10),
                    url: `${deps.publicUrl}/plan`,
                  }),
                },
              ],
              `reminder:${plan.id}:${deletion.getTime()}`,
              tx,
            );
        });
      }
      await purgeOldAttempts(database.db, new Date(now - 2 * DAY_MS));
      await purgeOldPlanTexts(database.db, new Date(now - 2 * DAY_MS));
      await passkeys.purge();
      return purgeUnconfirmedPlans(database.db, cutOff);
    },
  };
}
