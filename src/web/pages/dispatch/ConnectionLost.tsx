import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTimeFormat } from '../../time.js';
import { useNow } from './time.js';

/**
 * The board is not live: said large, at the top, with how long ago it
 * stopped — announced once as an alert, then quietly (a status), and gone
 * when the stream is back. Screen readers get the time it stopped, which does
 * not change every second; the count is for the eye.
 */
export function ConnectionLost({ since }: { since: number }) {
  const { t } = useTranslation();
  const now = useNow(1_000);
  const format = useTimeFormat();
  const [announced, setAnnounced] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setAnnounced(true), 1_000);
    return () => clearTimeout(timer);
  }, []);
  const seconds = Math.max(0, Math.floor((now - since) / 1000));
  const ago =
    seconds < 120
      ? t('dispatch.lost.seconds', { count: seconds })
      : t('dispatch.lost.minutes', { count: Math.floor(seconds / 60) });
  const time = format(since);
  return (
    <div className="connection-lost" role={announced ? 'status' : 'alert'} data-testid="connection-lost">
      <p>
        <strong>
          <span aria-hidden="true">⚠ {ago}</span>
          <span className="visually-hidden">{t('dispatch.lost.at', { time })}</span>
        </strong>
      </p>
      <p>{t('dispatch.lost.hint')}</p>
    </div>
  );
}
