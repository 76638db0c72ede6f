import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type CaseDetail, type CaseTeam, CUSTODY_STATUSES } from '../../../shared/cases.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { useTimeFormat } from '../../time.js';
import { CaseDocuments } from './CaseDocuments.js';
import { CaseForm, given, instantOf } from './CaseForm.js';
import { FamilyAccess } from './FamilyAccess.js';
import { ContactTexts, HearingChange } from './ScheduleControls.js';

/** One case, as its team works on it: every section with the form that adds to it. */
export function CaseDetailView(props: { caseId: string; team: CaseTeam; onGone: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const format = useTimeFormat();
  const queries = useQueryClient();
  const key = ['cases', 'detail', props.caseId];
  const detail = useQuery({ queryKey: key, queryFn: () => api<CaseDetail>(`/api/cases/${props.caseId}`) });
  const post = (path: string, body: unknown) =>
    api<CaseDetail>(`/api/cases/${props.caseId}/${path}`, { method: 'POST', body });
  const refresh = [key, ['cases', 'list']];
  const taskDone = useMutation({
    mutationFn: ({ taskId, done }: { taskId: string; done: boolean }) =>
      post(`tasks/${taskId}/done`, { done }),
    onSuccess: (data) => queries.setQueryData(key, data),
  });
  const removeMember = useMutation({
    mutationFn: (userId: string) =>
      api<CaseDetail>(`/api/cases/${props.caseId}/members/${userId}`, { method: 'DELETE' }),
    onSuccess: (data) => queries.setQueryData(key, data),
  });
  if (detail.isError)
    return <ErrorSummary error={detail.error} overrides={{ NOT_FOUND: t('casesPage.notFound') }} />;
  const c = detail.data;
  if (!c) return null;
  const consented = c.consent !== null;
  const status = (s: string) => t(`casesPage.status.${s}`);
  const people = props.team.people.filter((p) => p.organizationId === c.organizationId);
  const dash = '—';

  return (
    <article className="case-detail" aria-labelledby={`${id}-name`} data-testid="case-detail">
      <h2 id={`${id}-name`}>{c.person.name}</h2>
      <p className="hint">
        {t('casesPage.heldBy', { organization: c.organizationName })} · {status(c.status)}
        {c.facilityName ? ` · ${c.facilityName}` : ''}
        {c.facilityText ? ` · ${c.facilityText}` : ''}
      </p>

      <section aria-labelledby={`${id}-person`}>
        <h3 id={`${id}-person`}>{t('casesPage.person')}</h3>
        <dl className="case-facts">
          <dt>{t('casesPage.contact')}</dt>
          <dd>{c.person.contact ?? dash}</dd>
          <dt>{t('casesPage.aNumber')}</dt>
          <dd>{c.person.aNumber ? `A${c.person.aNumber}` : dash}</dd>
          <dt>{t('casesPage.aliases')}</dt>
          <dd>{c.person.aliases.join(', ') || dash}</dd>
          <dt>{t('casesPage.countryOfBirth')}</dt>
          <dd>{c.person.countryOfBirth ?? dash}</dd>
          <dt>{t('casesPage.dateOfBirth')}</dt>
          <dd>{c.person.dateOfBirth ?? dash}</dd>
          <dt>{t('casesPage.language')}</dt>
          <dd>{c.person.language ?? dash}</dd>
          <dt>{t('casesPage.attorney')}</dt>
          <dd>{c.attorneyName ?? dash}</dd>
          <dt>{t('casesPage.consent')}</dt>
          <dd data-testid="case-consent">
            {c.consent
              ? t('casesPage.consentGiven', {
                  who: c.consent.givenBy,
                  how: t(`casesPage.consentMethods.${c.consent.method}`),
                  when: format(c.consent.at, 'dateTime'),
                })
              : t('casesPage.consentMissing')}
          </dd>
        </dl>
        {!consented ? (
          <CaseForm
            title={t('casesPage.recordConsent')}
            submit={t('casesPage.recordConsentSubmit')}
            refresh={refresh}
            testId="consent-form"
            fields={[
              {
                name: 'givenBy',
                label: t('casesPage.consentGivenBy'),
                required: true,
                hint: t('casesPage.consentHint'),
              },
              {
                name: 'method',
                label: t('casesPage.consentMethod'),
                type: 'select',
                required: true,
                initial: 'phone',
                options: (['in_person', 'phone', 'written', 'plan'] as const).map((m) => ({
                  value: m,
                  label: t(`casesPage.consentMethods.${m}`),
                })),
              },
            ]}
            send={(values) => post('consent', given(values))}
          />
        ) : (
          <CaseForm
            title={t('casesPage.editPerson')}
            submit={t('casesPage.save')}
            refresh={refresh}
            testId="person-form"
            fields={[
              { name: 'aNumber', label: t('casesPage.aNumber'), hint: t('casesPage.aNumberHint') },
              { name: 'aliases', label: t('casesPage.aliases'), hint: t('casesPage.aliasesHint') },
              { name: 'countryOfBirth', label: t('casesPage.countryOfBirth') },
              { name: 'dateOfBirth', label: t('casesPage.dateOfBirth'), type: 'date' },
              { name: 'language', label: t('casesPage.language') },
            ]}
            send={(values) => {
              const { aliases, ...rest } = given(values);
              return post('person', {
                ...rest,
                ...(aliases
                  ? {
                      aliases: aliases
                        .split(';')
                        .map((a) => a.trim())
                        .filter(Boolean),
                    }
                  : {}),
              });
            }}
          />
        )}
      </section>

      <section aria-labelledby={`${id}-custody`}>
        <h3 id={`${id}-custody`}>{t('casesPage.custody')}</h3>
        <ol className="case-history">
          {c.custody.map((event) => (
            <li key={`${event.at}-${event.status}`}>
              {format(event.at, 'dateTime')}: {status(event.status)}
              {event.facilityName ? ` · ${event.facilityName}` : ''}
              {event.facilityText ? ` · ${event.facilityText}` : ''}
            </li>
          ))}
        </ol>
        {consented && (
          <CaseForm
            title={t('casesPage.changeCustody')}
            submit={t('casesPage.save')}
            refresh={refresh}
            testId="custody-form"
            fields={[
              {
                name: 'status',
                label: t('casesPage.statusLabel'),
                type: 'select',
                required: true,
                initial: 'detained',
                options: CUSTODY_STATUSES.map((s) => ({ value: s, label: status(s) })),
              },
              {
                name: 'facilityId',
                label: t('casesPage.facility'),
                type: 'select',
                options: props.team.facilities.map((f) => ({ value: f.id, label: f.name })),
              },
              { name: 'facilityText', label: t('casesPage.facilityText') },
            ]}
            send={(values) => post('custody', given(values))}
          />
        )}
      </section>

      <section aria-labelledby={`${id}-hearings`}>
        <h3 id={`${id}-hearings`}>{t('casesPage.hearings')}</h3>
        <ul data-testid="case-hearings">
          {c.hearings.map((h) => (
            <li key={h.id}>
              {format(h.at, 'dateTime')} · {h.court} · {h.type}
              {h.judge ? ` · ${h.judge}` : ''}
              {consented && <HearingChange caseId={c.id} hearing={h} refresh={refresh} />}
            </li>
          ))}
        </ul>
        {consented && (
          <CaseForm
            title={t('casesPage.addHearing')}
            submit={t('casesPage.add')}
            refresh={refresh}
            testId="hearing-form"
            fields={[
              { name: 'at', label: t('casesPage.hearingAt'), type: 'datetime-local', required: true },
              { name: 'court', label: t('casesPage.court'), required: true },
              { name: 'type', label: t('casesPage.hearingType'), required: true },
              { name: 'judge', label: t('casesPage.judge') },
            ]}
            send={(values) => {
              const { at, ...rest } = given(values);
              return post('hearings', { ...rest, at: instantOf(at ?? '') });
            }}
          />
        )}
      </section>

      <section aria-labelledby={`${id}-contacts`}>
        <h3 id={`${id}-contacts`}>{t('casesPage.contacts')}</h3>
        <ul>
          {c.contacts.map((contact) => (
            <li key={contact.id}>
              {contact.name}
              {contact.relation ? ` (${contact.relation})` : ''}
              {contact.phone ? ` · ${contact.phone}` : ''}
              {contact.language ? ` · ${contact.language}` : ''}
              {contact.phone && <ContactTexts caseId={c.id} contact={contact} refresh={refresh} />}
            </li>
          ))}
        </ul>
        {consented && (
          <CaseForm
            title={t('casesPage.addContact')}
            submit={t('casesPage.add')}
            refresh={refresh}
            fields={[
              { name: 'name', label: t('casesPage.personName'), required: true },
              { name: 'phone', label: t('casesPage.phone'), type: 'tel' },
              { name: 'language', label: t('casesPage.language') },
              { name: 'relation', label: t('casesPage.relation') },
              {
                name: 'textReminders',
                label: t('caseSchedule.textReminders'),
                type: 'select',
                hint: t('caseSchedule.textRemindersHint'),
                options: [{ value: 'yes', label: t('caseSchedule.yes') }],
              },
            ]}
            send={(values) => {
              const { textReminders, ...rest } = given(values);
              return post('contacts', {
                ...rest,
                ...(textReminders === 'yes' ? { textReminders: true } : {}),
              });
            }}
          />
        )}
        <FamilyAccess caseId={c.id} contacts={c.contacts} closed={c.closedAt !== null} />
      </section>

      <section aria-labelledby={`${id}-tasks`}>
        <h3 id={`${id}-tasks`}>{t('casesPage.tasks')}</h3>
        <ul className="case-tasks">
          {c.tasks.map((task) => (
            <li key={task.id}>
              <label className="inline-check">
                <input
                  type="checkbox"
                  checked={task.done}
                  onChange={(event) => taskDone.mutate({ taskId: task.id, done: event.target.checked })}
                />
                {task.text}
              </label>
              {task.dueOn && <span className="hint"> {t('casesPage.due', { date: task.dueOn })}</span>}
              {task.assigneeName && <span className="hint"> · {task.assigneeName}</span>}
            </li>
          ))}
        </ul>
        {taskDone.isError && <ErrorSummary error={taskDone.error} />}
        <CaseForm
          title={t('casesPage.addTask')}
          submit={t('casesPage.add')}
          refresh={refresh}
          fields={[
            { name: 'text', label: t('casesPage.taskText'), required: true },
            { name: 'dueOn', label: t('casesPage.dueOn'), type: 'date' },
            {
              name: 'assigneeId',
              label: t('casesPage.assignee'),
              type: 'select',
              options: people.map((p) => ({ value: p.id, label: p.name })),
            },
          ]}
          send={(values) => post('tasks', given(values))}
        />
      </section>

      <section aria-labelledby={`${id}-notes`}>
        <h3 id={`${id}-notes`}>{t('casesPage.notes')}</h3>
        <ul>
          {c.notes.map((note) => (
            <li key={note.id}>
              <span className="hint">
                {format(note.at, 'dateTime')}
                {note.author ? ` · ${note.author}` : ''}
              </span>
              <p className="case-note">{note.text}</p>
            </li>
          ))}
        </ul>
        {consented && (
          <CaseForm
            title={t('casesPage.addNote')}
            submit={t('casesPage.add')}
            refresh={refresh}
            fields={[{ name: 'text', label: t('casesPage.note'), type: 'textarea', required: true }]}
            send={(values) => post('notes', given(values))}
          />
        )}
      </section>

      <section aria-labelledby={`${id}-links`}>
        <h3 id={`${id}-links`}>{t('casesPage.links')}</h3>
        <ul>
          {c.links.map((link) => (
            <li key={`${link.kind}-${link.targetId}`}>
              {link.kind === 'evidence' ? (
                <Link to={`/evidence?item=${link.targetId}`}>
                  {t('casesPage.linkEvidence', { id: link.targetId.slice(0, 8) })}
                </Link>
              ) : (
                <Link to={`/evidence?incident=${link.targetId}`}>
                  {t('casesPage.linkIncident', { id: link.targetId.slice(0, 8) })}
                </Link>
              )}
            </li>
          ))}
        </ul>
        {consented && (
          <CaseForm
            title={t('casesPage.addLink')}
            submit={t('casesPage.add')}
            refresh={refresh}
            fields={[
              {
                name: 'kind',
                label: t('casesPage.linkKind'),
                type: 'select',
                required: true,
                initial: 'evidence',
                options: [
                  { value: 'evidence', label: t('casesPage.linkKinds.evidence') },
                  { value: 'incident', label: t('casesPage.linkKinds.incident') },
                ],
              },
              {
                name: 'targetId',
                label: t('casesPage.linkTarget'),
                required: true,
                hint: t('casesPage.linkTargetHint'),
              },
            ]}
            send={(values) => post('links', given(values))}
          />
        )}
      </section>

      <CaseDocuments caseId={props.caseId} consented={consented} />

      <section aria-labelledby={`${id}-team`}>
        <h3 id={`${id}-team`}>{t('casesPage.teamSection')}</h3>
        {c.members.length > 0 && (
          <>
            <h4>{t('casesPage.members')}</h4>
            <ul data-testid="case-members">
              {c.members.map((member) => (
                <li key={member.userId}>
                  {member.name}{' '}
                  <button
                    type="button"
                    className="button"
                    disabled={removeMember.isPending}
                    onClick={() => removeMember.mutate(member.userId)}
                  >
                    {t('casesPage.removeMember', { name: member.name })}
                  </button>
                </li>
              ))}
            </ul>
            {removeMember.isError && <ErrorSummary error={removeMember.error} />}
          </>
        )}
        <CaseForm
          title={t('casesPage.assignAttorney')}
          submit={t('casesPage.save')}
          refresh={refresh}
          fields={[
            {
              name: 'attorneyId',
              label: t('casesPage.attorney'),
              type: 'select',
              options: people.map((p) => ({ value: p.id, label: p.name })),
            },
          ]}
          send={(values) => post('attorney', { attorneyId: values.attorneyId || null })}
        />
        <CaseForm
          title={t('casesPage.refer')}
          submit={t('casesPage.referSubmit')}
          refresh={[['cases']]}
          testId="referral-form"
          onDone={props.onGone}
          fields={[
            {
              name: 'organizationId',
              label: t('casesPage.referTo'),
              type: 'select',
              required: true,
              initial: props.team.organizations.find((o) => o.id !== c.organizationId)?.id,
              options: props.team.organizations
                .filter((o) => o.id !== c.organizationId)
                .map((o) => ({ value: o.id, label: o.name })),
            },
            {
              name: 'note',
              label: t('casesPage.referNote'),
              type: 'textarea',
              required: true,
              hint: t('casesPage.referHint'),
            },
          ]}
          send={(values) => post('referral', given(values))}
        />
      </section>
    </article>
  );
}
