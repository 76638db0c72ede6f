import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { normalizeReceipt } from '../../shared/receipt.js';
import type { ReceiptStatus } from '../../shared/report.js';
import { api } from '../api.js';
import { CodeField } from '../components/CodeField.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { usePageTitle } from '../pageTitle.js';
import { useTimeFormat } from '../time.js';

/**
 * The receipt code is never put in an address: the report page hands it over
 * in the navigation's state, and the lookup sends it in a POST body. Proxies
 * and browser histories keep addresses; the code is all it takes to follow a
 * report. (A link from an earlier version, `?code=…`, still works once, and
 * the code is taken out of the address at once.)
 */
export function StatusPage() {
  const { t } = useTranslation();
  const format = useTimeFormat();
  usePageTitle(t('titles.status'));
  const id = useId();
  const location = useLocation();
  const navigate = useNavigate();
  const initial =
    (location.state as { code?: string } | null)?.code ?? new URLSearchParams(location.search).get('code');
  const [code, setCode] = useState(initial ?? '');
  /** A code that is not a receipt code: said without asking the server. */
  const [malformed, setMalformed] = useState(false);
  // A POST, so that the code is never in an address.
  const lookup = useMutation({
    mutationFn: (receipt: string) =>
      api<ReceiptStatus>('/api/reports/receipt', { method: 'POST', body: { code: receipt } }),
  });

  const check = (value: string) => {
    const receipt = normalizeReceipt(value);
    setMalformed(!receipt);
    if (receipt) lookup.mutate(receipt);
    else lookup.reset();
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: look up the code handed over once, on arrival.
  useEffect(() => {
    if (!initial) return;
    if (location.search) void navigate('/status', { replace: true });
    check(initial);
  }, []);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    check(code);
  };

  return (
    <section>
      <h1>{t('status.title')}</h1>
      <form onSubmit={onSubmit} noValidate>
        <CodeField
          id={`${id}-code`}
          label={t('status.codeLabel')}
          hint={t('status.codeHint')}
          name="code"
          value={code}
          onChange={setCode}
        />
        <button type="submit" className="button primary block" disabled={lookup.isPending}>
          {lookup.isPending ? t('status.checking') : t('status.check')}
        </button>
      </form>
      <div aria-live="polite">
        {malformed ? (
          <p className="error-summary" role="alert">
            {t('status.invalid')}
          </p>
        ) : (
          <ErrorSummary
            error={lookup.error}
            overrides={{
              NOT_FOUND: t('status.notFound'),
              VALIDATION: t('status.invalid'),
              NETWORK: t('status.network'),
            }}
          />
        )}
        {lookup.data && (
          <div className="status-card" data-testid="status">
            <p className="receipt">{lookup.data.receipt}</p>
            <p className="status-value">{t(`status.value.${lookup.data.status}`)}</p>
            <p className="muted">
              {t('status.received', { time: format(lookup.data.receivedAt, 'dateTime') })}
            </p>
          </div>
        )}
      </div>
    </section>
  );
}
