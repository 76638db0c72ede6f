import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../shared/cases.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { CaseForm, given, instantOf } from './CaseForm.js';

/** An instant as a `datetime-local` input shows it, in this browser's time zone. */
const localInput = (iso: string) => {
  const at = new Date(iso);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** Moves or corrects one hearing; a new time is reminded again. */
export function HearingChange(props: {
  caseId: string;
  hearing: CaseDetail['hearings'][number];
  refresh: unknown[][];
}) {
  const { t } = useTranslation();
  const { hearing } = props;
  return (
    <details className="case-hearing-change">
      <summary>{t('caseSchedule.changeHearing')}</summary>
      {/* Made anew when the hearing changes, so the form shows what it now is. */}
      <CaseForm
        key={`${hearing.at}|${hearing.court}|${hearing.type}|${hearing.judge ?? ''}`}
        title={t('caseSchedule.changeHearingTitle')}
        submit={t('casesPage.save')}
        refresh={props.refresh}
        testId="hearing-change"
        fields={[
          {
            name: 'at',
            label: t('casesPage.hearingAt'),
            type: 'datetime-local',
            required: true,
            initial: localInput(hearing.at),
            hint: t('caseSchedule.movedHint'),
          },
          { name: 'court', label: t('casesPage.court'), required: true, initial: hearing.court },
          { name: 'type', label: t('casesPage.hearingType'), required: true, initial: hearing.type },
          { name: 'judge', label: t('casesPage.judge'), initial: hearing.judge ?? '' },
        ]}
        send={(values) => {
          const { at, ...rest } = given(values);
          return api<CaseDetail>(`/api/cases/${props.caseId}/hearings/${hearing.id}`, {
            method: 'POST',
            // An emptied judge field clears the judge.
            body: { ...rest, judge: values.judge?.trim() ?? '', ...(at ? { at: instantOf(at) } : {}) },
          });
        }}
      />
    </details>
  );
}

/** Whether a family contact gets hearing reminders by text (ticked on their word). */
export function ContactTexts(props: {
  caseId: string;
  contact: CaseDetail['contacts'][number];
  refresh: unknown[][];
}) {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const toggle = useMutation({
    mutationFn: (textReminders: boolean) =>
      api<CaseDetail>(`/api/cases/${props.caseId}/contacts/${props.contact.id}/reminders`, {
        method: 'POST',
        body: { textReminders },
      }),
    onSuccess: async () => {
      for (const key of props.refresh) await queries.invalidateQueries({ queryKey: key });
    },
  });
  return (
    <>
      {' '}
      <label className="inline-check">
        <input
          type="checkbox"
          checked={props.contact.textReminders}
          disabled={toggle.isPending}
          onChange={(event) => toggle.mutate(event.target.checked)}
        />
        {t('caseSchedule.textReminders')}
      </label>
      {toggle.isError && <ErrorSummary error={toggle.error} />}
    </>
  );
}
