import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FamilyStatus } from '../../shared/family-status.js';
import { api } from '../api.js';
import { CodeField, PinField } from '../components/CodeField.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { usePageTitle } from '../pageTitle.js';
import { useServerPage } from '../server-page.js';
import { useTimeFormat } from '../time.js';

const dial = (number: string) => number.replace(/[^\d+]/g, '');

/**
 * `/family`: a family follows a case with the case code and PIN the legal team gave them — only the
 * stage and whom to call. The form is a POST (the server answers it as a page when scripts do not
 * run); neither the code nor the PIN is ever put in an address.
 */
export function FamilyPage() {
  const { t } = useTranslation();
  usePageTitle(t('titles.family'));
  const id = useId();
  const served = useServerPage().family;
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const lookup = useMutation({
    mutationFn: (credentials: { code: string; pin: string }) =>
      api<FamilyStatus>('/api/family-status', { method: 'POST', body: credentials }),
    onSuccess: () => setPin(''),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    lookup.mutate({ code, pin });
  };
  // What the server answered a form sent without scripts, until the person asks again.
  const status = lookup.data ?? (lookup.isIdle ? served?.status : undefined);
  const refusal = lookup.isIdle ? served?.refusal : undefined;

  return (
    <section>
      <h1>{t('family.title')}</h1>
      <p>{t('family.intro')}</p>
      <form method="post" action="/family" onSubmit={onSubmit} noValidate>
        <CodeField
          id={`${id}-code`}
          name="code"
          label={t('family.code')}
          hint={t('family.codeHint')}
          value={code}
          onChange={setCode}
        />
        <PinField id={`${id}-pin`} name="pin" label={t('family.pin')} value={pin} onChange={setPin} />
        <button type="submit" className="button primary block" disabled={lookup.isPending}>
          {lookup.isPending ? t('family.checking') : t('family.check')}
        </button>
      </form>
      <div aria-live="polite">
        {refusal && (
          <p className="error-summary" role="alert">
            {t(refusal === 'blocked' ? 'family.blocked' : 'family.noMatch')}
          </p>
        )}
        <ErrorSummary
          error={lookup.error}
          overrides={{
            NOT_FOUND: t('family.noMatch'),
            VALIDATION: t('family.noMatch'),
            RATE_LIMITED: t('family.blocked'),
            NETWORK: t('family.network'),
          }}
        />
        {status && <FamilyStatusCard status={status} />}
      </div>
      <p className="hint">{t('family.privacy')}</p>
    </section>
  );
}

function FamilyStatusCard({ status }: { status: FamilyStatus }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  return (
    <div className="status-card family-status" data-testid="family-status">
      <p className="status-value">{t(`family.stage.${status.stage}`)}</p>
      {status.hearingAt && <p>{t('family.hearing', { date: format(status.hearingAt, 'long') })}</p>}
      <p>
        {t('family.call', { organization: status.organization })}
        {status.phone && (
          <>
            {' '}
            <a href={`tel:${dial(status.phone)}`}>{status.phone}</a>
          </>
        )}
      </p>
    </div>
  );
}
