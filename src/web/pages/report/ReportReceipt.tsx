import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { dismissReceipt } from './kept.js';

/** The report was received: its receipt code to keep, and what to do next. */
export function ReportReceipt({ receipt, photosMissing }: { receipt: string; photosMissing: number }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  // The form is gone: focus goes to what replaced it, so a screen reader says it at once.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-live="polite">
      <h1 tabIndex={-1} ref={heading} data-testid="receipt-heading">
        {t('report.done.title')}
      </h1>
      <p>{t('report.done.receiptLabel')}</p>
      <p className="receipt" data-testid="receipt">
        {receipt}
      </p>
      <p>{t('report.done.receiptHint')}</p>
      {photosMissing > 0 && (
        <p className="note warn">{t('report.photos.notAttached', { count: photosMissing })}</p>
      )}
      <p>
        <Link className="button primary block" to="/status" state={{ code: receipt }}>
          {t('report.done.check')}
        </Link>
      </p>
      <p>
        <Link className="button block" to="/report" reloadDocument onClick={dismissReceipt}>
          {t('report.done.another')}
        </Link>
      </p>
    </section>
  );
}
