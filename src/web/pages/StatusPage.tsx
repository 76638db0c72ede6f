import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { normalizeReceipt } from '../../shared/receipt.js';
import type { ReceiptStatus } from '../../shared/report.js';
import { ApiError, api } from '../api.js';
import { currentLanguage } from '../i18n.js';

const formatTime = (iso: string) =>
  new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

export function StatusPage() {
  const { t } = useTranslation();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const [code, setCode] = useState(params.get('code') ?? '');
  const [result, setResult] = useState<ReceiptStatus | null>(null);
  const [problem, setProblem] = useState<'invalid' | 'notFound' | 'network' | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (value: string) => {
    setResult(null);
    const receipt = normalizeReceipt(value);
    if (!receipt) return setProblem('invalid');
    setBusy(true);
    setProblem(null);
    try {
      setResult(await api<ReceiptStatus>(`/api/reports/receipt/${encodeURIComponent(receipt)}`));
    } catch (error) {
      setProblem(error instanceof ApiError && error.status === 404 ? 'notFound' : 'network');
    } finally {
      setBusy(false);
    }
  };

  const initial = params.get('code');
  // biome-ignore lint/correctness/useExhaustiveDependencies: look up the code from the link once, on arrival.
  useEffect(() => {
    if (initial) void check(initial);
  }, []);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setParams({ code });
    void check(code);
  };

  return (
    <section>
      <h1>{t('status.title')}</h1>
      <form onSubmit={onSubmit} noValidate>
        <label htmlFor={`${id}-code`} className="label-strong">
          {t('status.codeLabel')}
        </label>
        <p className="hint" id={`${id}-hint`}>
          {t('status.codeHint')}
        </p>
        <input
          id={`${id}-code`}
          name="code"
          className="code-input"
          autoCapitalize="characters"
          autoComplete="off"
          spellCheck={false}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          aria-describedby={`${id}-hint`}
        />
        <button type="submit" className="button primary block" disabled={busy}>
          {busy ? t('status.checking') : t('status.check')}
        </button>
      </form>
      <div aria-live="polite">
        {problem && (
          <p className="error-summary" role="alert">
            {t(`status.${problem}`)}
          </p>
        )}
        {result && (
          <div className="status-card" data-testid="status">
            <p className="receipt">{result.receipt}</p>
            <p className="status-value">{t(`status.value.${result.status}`)}</p>
            <p className="muted">{t('status.received', { time: formatTime(result.receivedAt) })}</p>
          </div>
        )}
      </div>
    </section>
  );
}
