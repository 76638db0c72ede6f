import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTimeFormat } from '../../time.js';

/** Re-renders every 30 s so "5 min ago" stays true on a board left open all night. */
export function useNow(intervalMs = 30_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function Ago({ iso, now }: { iso: string; now: number }) {
  const { t } = useTranslation();
  const minutes = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000));
  const format = useTimeFormat();
  return (
    <time dateTime={iso} title={format(iso, 'dateTime')}>
      {format(iso)} · {minutes < 1 ? t('time.justNow') : t('time.minutesAgo', { count: minutes })}
    </time>
  );
}
