import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../shared/cases.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { useTimeFormat } from '../../time.js';

type Issued = { code: string; pin: string; texted: boolean };

/**
 * A family contact's status access, on the case page: who holds a code in force; give one (the code
 * and PIN shown once, to be read over the phone; the code alone texted if asked), or revoke it.
 * Only the team holding the case may; the server says so to anyone else.
 */
export function FamilyAccess(props: { caseId: string; contacts: CaseDetail['contacts']; closed: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const format = useTimeFormat();
  const queries = useQueryClient();
  const key = ['cases', 'family-access', props.caseId];
  const access = useQuery({
    queryKey: key,
    queryFn: () =>
      api<{ access: { contactId: string; issuedAt: string }[] }>(`/api/cases/${props.caseId}/family-access`),
  });
  const [text, setText] = useState<Record<string, boolean>>({});
  const [issued, setIssued] = useState<{ contactId: string; name: string; answer: Issued } | null>(null);
  const issue = useMutation({
    mutationFn: (contact: { id: string; name: string }) =>
      api<Issued>(`/api/cases/${props.caseId}/family-access`, {
        method: 'POST',
        body: { contactId: contact.id, text: Boolean(text[contact.id]) },
      }),
    onSuccess: async (answer, contact) => {
      setIssued({ contactId: contact.id, name: contact.name, answer });
      await queries.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (contactId: string) =>
      api(`/api/cases/${props.caseId}/family-access/${contactId}/revoke`, { method: 'POST', body: {} }),
    onSuccess: async () => {
      setIssued(null);
      await queries.invalidateQueries({ queryKey: key });
    },
  });
  if (props.contacts.length === 0) return null;
  const inForce = new Map((access.data?.access ?? []).map((a) => [a.contactId, a.issuedAt]));

  return (
    <div className="family-access" data-testid="family-access">
      <h4>{t('familyAccess.title')}</h4>
      <p className="hint">{t('familyAccess.hint')}</p>
      {issued && (
        <div className="family-issued" role="status" data-testid="family-issued">
          <p className="label-strong">{t('familyAccess.issuedTitle', { name: issued.name })}</p>
          <dl className="case-facts">
            <dt>{t('familyAccess.code')}</dt>
            <dd className="receipt">{issued.answer.code}</dd>
            <dt>{t('familyAccess.pin')}</dt>
            <dd className="receipt">{issued.answer.pin}</dd>
          </dl>
          <p className="hint">{t('familyAccess.issuedHint')}</p>
          {issued.answer.texted && <p>{t('familyAccess.texted')}</p>}
          <button type="button" className="button" onClick={() => setIssued(null)}>
            {t('familyAccess.done')}
          </button>
        </div>
      )}
      <ul>
        {props.contacts.map((contact) => {
          const since = inForce.get(contact.id);
          return (
            <li key={contact.id}>
              <span className="label-strong">{contact.name}</span> ·{' '}
              {since
                ? t('familyAccess.inForce', { time: format(since, 'dateTime') })
                : t('familyAccess.none')}
              {!props.closed && (
                <div className="family-access-actions">
                  {contact.phone && (
                    <label className="inline-check" htmlFor={`${id}-${contact.id}-text`}>
                      <input
                        id={`${id}-${contact.id}-text`}
                        type="checkbox"
                        checked={Boolean(text[contact.id])}
                        onChange={(e) => setText({ ...text, [contact.id]: e.target.checked })}
                      />{' '}
                      {t('familyAccess.textIt')}
                    </label>
                  )}
                  <button
                    type="button"
                    className="button"
                    disabled={issue.isPending}
                    onClick={() => issue.mutate({ id: contact.id, name: contact.name })}
                  >
                    {since ? t('familyAccess.reissue') : t('familyAccess.issue')}
                  </button>
                  {since && (
                    <button
                      type="button"
                      className="button"
                      disabled={revoke.isPending}
                      onClick={() => revoke.mutate(contact.id)}
                    >
                      {t('familyAccess.revoke')}
                    </button>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <div aria-live="polite">
        <ErrorSummary error={issue.error ?? revoke.error ?? access.error} />
      </div>
    </div>
  );
}
