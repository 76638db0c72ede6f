import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  PLAN_MAX_CONTACTS,
  PLAN_TASKS,
  type PlanLegalOrganizations,
  type PlanPerson,
  type PlanTask,
  type PlanTemplates,
  type PlanView,
} from '../../../shared/plan.js';
import { LANGUAGES, type Language } from '../../../shared/report-fields.js';
import { api } from '../../api.js';

/** A contact as the form holds it: the message follows the template until the member edits it. */
interface ContactDraft {
  name?: string;
  phone: string;
  email?: string;
  language: Language;
  task: PlanTask;
  message: string;
  edited: boolean;
}

/** What the form sends (the server checks every field again). */
export interface PlanDraft {
  contacts: {
    name?: string;
    phone: string;
    email?: string;
    language: Language;
    task: PlanTask;
    message: string;
  }[];
  instructions: { children: string; medications: string; documents: string; legalOrganization: string };
  memberPhone?: string;
  memberLanguage: Language;
  caseConsent: boolean;
  person?: PlanPerson;
  legalOrganizationId?: string;
  testMode: boolean;
  pin?: string;
}

const NO_PERSON: PlanPerson = { name: '', aNumber: '', countryOfBirth: '', dateOfBirth: '' };

const INSTRUCTIONS = ['children', 'medications', 'documents', 'legalOrganization'] as const;

/** Writes or edits a plan: contacts with their messages, instructions, the member's number, consent, the PIN. */
export function PlanForm({
  initial,
  askPin,
  pending,
  onSave,
  onCancel,
}: {
  initial?: PlanView;
  askPin: boolean;
  pending: boolean;
  onSave: (draft: PlanDraft) => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const templates = useQuery({
    queryKey: ['plan-templates'],
    queryFn: () => api<PlanTemplates>('/api/plans/templates'),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const teams = useQuery({
    queryKey: ['plan-legal-organizations'],
    queryFn: () => api<PlanLegalOrganizations>('/api/plans/legal-organizations'),
    staleTime: 5 * 60_000,
  });
  const templateOf = (language: Language, task: PlanTask) => templates.data?.[language]?.[task] ?? '';
  const pageLanguage: Language = i18n.language === 'es' ? 'es' : 'en';
  const [contacts, setContacts] = useState<ContactDraft[]>(
    initial?.contacts.map((c) => ({ ...c, edited: true })) ?? [
      { phone: '', language: pageLanguage, task: 'children', message: '', edited: false },
    ],
  );
  const [instructions, setInstructions] = useState(
    initial?.instructions ?? { children: '', medications: '', documents: '', legalOrganization: '' },
  );
  const [memberPhone, setMemberPhone] = useState(initial?.memberPhone ?? '');
  const [memberLanguage, setMemberLanguage] = useState<Language>(initial?.memberLanguage ?? pageLanguage);
  const [caseConsent, setCaseConsent] = useState(initial?.caseConsent ?? false);
  const [person, setPerson] = useState<PlanPerson>({ ...NO_PERSON, ...initial?.person });
  const [chosenTeam, setChosenTeam] = useState(initial?.legalOrganizationId ?? '');
  // One organization with a legal team: it is the one (nothing to choose).
  const teamId = chosenTeam || (teams.data?.length === 1 ? (teams.data[0]?.id ?? '') : '');
  const noTeams = teams.data !== undefined && teams.data.length === 0;
  const [testMode, setTestMode] = useState(initial?.testMode ?? false);
  const [pin, setPin] = useState('');

  const change = (index: number, patch: Partial<ContactDraft>) =>
    setContacts((all) =>
      all.map((contact, i) => {
        if (i !== index) return contact;
        const next = { ...contact, ...patch };
        // Until the member writes their own words, the message is the template in the contact's language.
        if (!next.edited && ('language' in patch || 'task' in patch))
          next.message = templateOf(next.language, next.task);
        return next;
      }),
    );

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onSave({
      contacts: contacts.map(({ name, phone, email, language, task, message }) => ({
        ...(name?.trim() ? { name } : {}),
        phone,
        ...(email?.trim() ? { email: email.trim() } : {}),
        language,
        task,
        message: message || templateOf(language, task),
      })),
      instructions,
      ...(memberPhone.trim() ? { memberPhone } : {}),
      memberLanguage,
      caseConsent: caseConsent && !noTeams,
      // Without consent the legal team's facts are not kept at all.
      ...(caseConsent && !noTeams ? { person, ...(teamId ? { legalOrganizationId: teamId } : {}) } : {}),
      testMode,
      ...(askPin ? { pin } : {}),
    });
  };

  return (
    <form onSubmit={onSubmit} className="plan-form" noValidate>
      <h2>{t('plan.contactsTitle')}</h2>
      <p className="hint">{t('plan.contactsHint', { max: PLAN_MAX_CONTACTS })}</p>
      {contacts.map((contact, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: contacts have no id of their own; the list is edited in place.
        <fieldset key={i} className="plan-contact">
          <legend>{t('plan.contactN', { n: i + 1 })}</legend>
          <label htmlFor={`${id}-name-${i}`}>{t('plan.contactName')}</label>
          <input
            id={`${id}-name-${i}`}
            autoComplete="off"
            value={contact.name ?? ''}
            onChange={(e) => change(i, { name: e.target.value })}
          />
          <label htmlFor={`${id}-phone-${i}`}>{t('plan.phone')}</label>
          <input
            id={`${id}-phone-${i}`}
            type="tel"
            inputMode="tel"
            autoComplete="off"
            value={contact.phone}
            onChange={(e) => change(i, { phone: e.target.value })}
          />
          <label htmlFor={`${id}-email-${i}`}>{t('plan.contactEmail')}</label>
          <input
            id={`${id}-email-${i}`}
            type="email"
            inputMode="email"
            autoComplete="off"
            value={contact.email ?? ''}
            onChange={(e) => change(i, { email: e.target.value })}
          />
          <label htmlFor={`${id}-lang-${i}`}>{t('plan.language')}</label>
          <select
            id={`${id}-lang-${i}`}
            value={contact.language}
            onChange={(e) => change(i, { language: e.target.value as Language })}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {t(`plan.languages.${language}`)}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-task-${i}`}>{t('plan.task')}</label>
          <select
            id={`${id}-task-${i}`}
            value={contact.task}
            onChange={(e) => change(i, { task: e.target.value as PlanTask })}
          >
            {PLAN_TASKS.map((task) => (
              <option key={task} value={task}>
                {t(`plan.tasks.${task}`)}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-message-${i}`}>{t('plan.message')}</label>
          <textarea
            id={`${id}-message-${i}`}
            rows={3}
            value={contact.message || templateOf(contact.language, contact.task)}
            onChange={(e) => change(i, { message: e.target.value, edited: true })}
          />
          {contacts.length > 1 && (
            <button
              type="button"
              className="button"
              onClick={() => setContacts((all) => all.filter((_, j) => j !== i))}
            >
              {t('plan.removeContact')}
            </button>
          )}
        </fieldset>
      ))}
      {contacts.length < PLAN_MAX_CONTACTS && (
        <button
          type="button"
          className="button"
          onClick={() =>
            setContacts((all) => [
              ...all,
              {
                phone: '',
                language: pageLanguage,
                task: 'family',
                message: templateOf(pageLanguage, 'family'),
                edited: false,
              },
            ])
          }
        >
          {t('plan.addContact')}
        </button>
      )}

      <h2>{t('plan.instructionsTitle')}</h2>
      {INSTRUCTIONS.map((field) => (
        <div key={field}>
          <label htmlFor={`${id}-${field}`}>{t(`plan.instructions.${field}`)}</label>
          <textarea
            id={`${id}-${field}`}
            rows={2}
            value={instructions[field]}
            onChange={(e) => setInstructions((all) => ({ ...all, [field]: e.target.value }))}
          />
        </div>
      ))}

      <h2>{t('plan.youTitle')}</h2>
      <label htmlFor={`${id}-member-phone`}>{t('plan.memberPhone')}</label>
      <p className="hint" id={`${id}-member-phone-hint`}>
        {t('plan.memberPhoneHint')}
      </p>
      <input
        id={`${id}-member-phone`}
        type="tel"
        inputMode="tel"
        autoComplete="off"
        aria-describedby={`${id}-member-phone-hint`}
        value={memberPhone}
        onChange={(e) => setMemberPhone(e.target.value)}
      />
      <label htmlFor={`${id}-member-lang`}>{t('plan.memberLanguage')}</label>
      <select
        id={`${id}-member-lang`}
        value={memberLanguage}
        onChange={(e) => setMemberLanguage(e.target.value as Language)}
      >
        {LANGUAGES.map((language) => (
          <option key={language} value={language}>
            {t(`plan.languages.${language}`)}
          </option>
        ))}
      </select>
      <label className="choice">
        <input
          type="checkbox"
          checked={caseConsent && !noTeams}
          disabled={noTeams}
          aria-describedby={noTeams ? `${id}-no-teams` : undefined}
          onChange={(e) => setCaseConsent(e.target.checked)}
        />
        {t('plan.consent')}
      </label>
      {noTeams && (
        <p className="hint" id={`${id}-no-teams`}>
          {t('plan.noLegalTeams')}
        </p>
      )}
      {caseConsent && !noTeams && (
        <fieldset className="plan-case">
          <legend>{t('plan.caseTitle')}</legend>
          <p className="hint">{t('plan.caseHint')}</p>
          <label htmlFor={`${id}-person-name`}>{t('plan.person.name')}</label>
          <input
            id={`${id}-person-name`}
            autoComplete="off"
            required
            value={person.name}
            onChange={(e) => setPerson((p) => ({ ...p, name: e.target.value }))}
          />
          <label htmlFor={`${id}-person-anumber`}>{t('plan.person.aNumber')}</label>
          <p className="hint" id={`${id}-person-anumber-hint`}>
            {t('plan.person.aNumberHint')}
          </p>
          <input
            id={`${id}-person-anumber`}
            inputMode="numeric"
            autoComplete="off"
            aria-describedby={`${id}-person-anumber-hint`}
            value={person.aNumber}
            onChange={(e) => setPerson((p) => ({ ...p, aNumber: e.target.value }))}
          />
          <label htmlFor={`${id}-person-country`}>{t('plan.person.countryOfBirth')}</label>
          <input
            id={`${id}-person-country`}
            autoComplete="off"
            value={person.countryOfBirth}
            onChange={(e) => setPerson((p) => ({ ...p, countryOfBirth: e.target.value }))}
          />
          <label htmlFor={`${id}-person-birth`}>{t('plan.person.dateOfBirth')}</label>
          <input
            id={`${id}-person-birth`}
            type="date"
            value={person.dateOfBirth}
            onChange={(e) => setPerson((p) => ({ ...p, dateOfBirth: e.target.value }))}
          />
          <label htmlFor={`${id}-team`}>{t('plan.legalTeam')}</label>
          <select id={`${id}-team`} required value={teamId} onChange={(e) => setChosenTeam(e.target.value)}>
            <option value="">{t('plan.chooseTeam')}</option>
            {(teams.data ?? []).map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </fieldset>
      )}
      <label className="choice">
        <input type="checkbox" checked={testMode} onChange={(e) => setTestMode(e.target.checked)} />
        {t('plan.testMode')}
      </label>
      {askPin && (
        <>
          <label htmlFor={`${id}-pin`} className="label-strong">
            {t('plan.choosePin')}
          </label>
          <p className="hint" id={`${id}-pin-hint`}>
            {t('plan.pinHint')}
          </p>
          <input
            id={`${id}-pin`}
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            aria-describedby={`${id}-pin-hint`}
            value={pin}
            onChange={(e) => setPin(e.target.value)}
          />
        </>
      )}
      <button type="submit" className="button primary block" disabled={pending}>
        {pending ? t('plan.saving') : t('plan.save')}
      </button>
      <button type="button" className="button block" onClick={onCancel}>
        {t('plan.cancel')}
      </button>
    </form>
  );
}
