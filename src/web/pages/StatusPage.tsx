import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { normalizeReceipt } from '../../shared/receipt.js';
import type { ReceiptStatus } from '../../shared/report.js';
import { api } from '../api.js';
import { errorText } from '../errors.js';
import { currentLanguage } from '../i18n.js';

const formatTime = (iso: string) =>
  new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

/**
 * The receipt code is never put in an address: the report page hands it over
 * in the navigation's state, and the lookup sends it in a POST body. Proxies
 * and browser histories keep addresses; the code is all it takes to follow a
 * report. (A link from an earlier version, `?code=…`, still works once, and
 * the code is taken out of the address at once.)
 */
export function StatusPage() {
  const { t } = useTranslation();
  const id = useId();
  const location = useLocation();
  const navigate = useNavigate();
  const initial =
    (location.state as { code?: string } | null)?.code ?? new URLSearchParams(location.search).get('code');
  const [code, setCode] = useState(initial ?? '');
  const [result, setResult] = useState<ReceiptStatus | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (value: string) => {
    setResult(null);
    const receipt = normalizeReceipt(value);
    if (!receipt) return setProblem(t('status.invalid'));
    setBusy(true);
    setProblem(null);
    try {
      setResult(
        await api<ReceiptStatus>('/api/reports/receipt', { method: 'POST', body: { code: receipt } }),
      );
    } catch (error) {
      setProblem(
        errorText(t, error, {
          NOT_FOUND: t('status.notFound'),
          VALIDATION: t('status.invalid'),
          NETWORK: t('status.network'),
        }),
      );
    } finally {
      setBusy(false);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: look up the code handed over once, on arrival.
  useEffect(() => {
    if (!initial) return;
    if (location.search) void navigate('/status', { replace: true });
    void check(initial);
  }, []);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
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
            {problem}
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
