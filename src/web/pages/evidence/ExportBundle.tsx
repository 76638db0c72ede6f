import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorCode } from '../../../shared/errors.js';
import { EVIDENCE_KEY_PATH, type EvidenceItem } from '../../../shared/evidence.js';
import { ApiError, api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { useLanguage } from '../../language.js';
import { useSession } from '../../session.js';
import { bundleSummary, exactBytes, fileSize } from './facts.js';

/** How long the button rests after a click: a double click must not make two exports (two custody rows). */
const RESTING_MS = 4_000;

/**
 * An export for counsel: what the bundle will hold, then a button that posts
 * a plain form, so the browser saves the ZIP to disk as it arrives — a bundle
 * can be 1–2 GB, which a script would have to hold in memory. The form
 * carries the session's CSRF token (a form cannot send the header) and the
 * page's language (of manifest.html). After the click, how to check the
 * bundle, in plain words.
 */
export function ExportBundle({
  selection,
  items,
  label,
  testId,
}: {
  selection: { incidentId: string } | { itemIds: readonly string[] };
  /** The items the selection names, as this page knows them (for the summary). */
  items: readonly EvidenceItem[];
  label: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const language = useLanguage();
  const session = useSession().data;
  const csrfToken = session?.state === 'signed_in' ? session.csrfToken : undefined;
  const [sent, setSent] = useState(false);
  const [resting, setResting] = useState(false);
  useEffect(() => {
    if (!resting) return;
    const timer = setTimeout(() => setResting(false), RESTING_MS);
    return () => clearTimeout(timer);
  }, [resting]);
  const summary = bundleSummary(items);

  // Not prevented: the browser posts the form and saves what comes back (Content-Disposition: attachment).
  const submit = (event: FormEvent) => {
    if (resting || !csrfToken) return event.preventDefault();
    setResting(true);
    setSent(true);
  };

  return (
    <div className="export-bundle" data-testid={testId}>
      <form method="post" action="/api/evidence/export" onSubmit={submit} aria-describedby={`${id}-holds`}>
        <input type="hidden" name="csrfToken" value={csrfToken ?? ''} />
        <input type="hidden" name="language" value={language} />
        {'incidentId' in selection ? (
          <input type="hidden" name="incidentId" value={selection.incidentId} />
        ) : (
          selection.itemIds.map((itemId) => (
            <input key={itemId} type="hidden" name="itemIds" value={itemId} />
          ))
        )}
        <p id={`${id}-holds`} data-testid="export-summary">
          <span title={t('evidencePage.export.exactBytes', { exact: exactBytes(summary.bytes, language) })}>
            {t('evidencePage.export.holds', {
              count: summary.items,
              size: fileSize(summary.bytes, language),
            })}
          </span>
          {summary.withoutOriginal > 0 && (
            <> {t('evidencePage.export.withoutOriginal', { count: summary.withoutOriginal })}</>
          )}
          {summary.unfinished > 0 && (
            <> {t('evidencePage.export.unfinished', { count: summary.unfinished })}</>
          )}
        </p>
        <button type="submit" className="button primary" disabled={!csrfToken || resting}>
          {label}
        </button>
      </form>
      {sent && <HowToCheck />}
    </div>
  );
}

/** After an export: what arrives and how to check it, for a lawyer who has never used a terminal much. */
function HowToCheck() {
  const { t } = useTranslation();
  const id = useId();
  const language = useLanguage();
  const keyUrl = `${window.location.origin}${EVIDENCE_KEY_PATH}`;
  // The fingerprint to give with the bundle; the key itself is public (limited per minute).
  const key = useQuery({
    queryKey: ['evidence-key'],
    queryFn: () => api<{ fingerprint: string }>(EVIDENCE_KEY_PATH),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const fingerprint = key.data?.fingerprint;
  const command = [
    'faro evidence verify',
    t('evidencePage.export.fileName'),
    ...(fingerprint ? ['--key', fingerprint] : []),
    ...(language === 'en' ? [] : ['--lang', language]),
  ].join(' ');
  return (
    <section className="how-to-check" aria-labelledby={`${id}-title`} data-testid="export-check">
      <h3 id={`${id}-title`}>{t('evidencePage.export.howToCheck')}</h3>
      <p role="status">{t('evidencePage.export.downloading')}</p>
      <ol>
        <li>{t('evidencePage.export.wait')}</li>
        <li>{t('evidencePage.export.contents')}</li>
        <li>
          {t('evidencePage.export.verify')}
          <pre className="command">
            <code data-testid="verify-command">{command}</code>
          </pre>
          {t('evidencePage.export.verifySays')}
        </li>
        <li>
          {t('evidencePage.export.key')}{' '}
          <a href={EVIDENCE_KEY_PATH} data-testid="key-url">
            {keyUrl}
          </a>
          .
          {fingerprint && (
            <>
              {' '}
              {t('evidencePage.export.fingerprint')} <code className="hash">{fingerprint}</code>
            </>
          )}
        </li>
        <li>{t('evidencePage.export.interrupted')}</li>
      </ol>
    </section>
  );
}

/**
 * Why the server refused an export posted as a form: it sends the page back
 * here with the error's code (and reason) in the address, the only thing a
 * plain form's answer can carry back.
 */
export function ExportRefused({
  code,
  reason,
  onDismiss,
}: {
  code: string;
  reason: string | null;
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  const error = new ApiError(code as ErrorCode, '', 0, [], reason ? { reason } : {});
  return (
    <div className="export-refused" data-testid="export-refused">
      <ErrorSummary
        error={error}
        overrides={{
          NOT_FOUND: t('evidencePage.export.notFound'),
          VALIDATION: t('evidencePage.export.invalid'),
          // A reason (the page out of date for the session) says more than "not allowed".
          ...(reason ? {} : { FORBIDDEN: t('evidencePage.export.forbidden') }),
        }}
        say={(text) => t('evidencePage.export.refused', { text })}
      />
      <button type="button" className="link" onClick={onDismiss}>
        {t('evidencePage.export.dismiss')}
      </button>
    </div>
  );
}
