import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useTimeFormat } from '../../time.js';

/** Whole seconds left until `deadline` (never below 0), ticking every second; null without one. */
export function useSecondsLeft(deadline: string | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!deadline) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  return deadline ? Math.max(0, Math.ceil((Date.parse(deadline) - now) / 1000)) : null;
}

/** Seconds as a countdown reads them: 2:41. */
export const minutesAndSeconds = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/**
 * What a screen reader is told, and only when it changes: each minute, then the last half minute,
 * then that the time is up — never every second.
 */
function announcement(seconds: number, t: TFunction) {
  if (seconds === 0) return t('responder.countdown.over');
  if (seconds <= 30) return t('responder.countdown.lastSeconds');
  return t('responder.countdown.minutes', { count: Math.ceil(seconds / 60) });
}

/**
 * An offer's deadline: the time left, large and ticking, then the clock time it ends; announced
 * politely each minute (the ticking line is a timer, which screen readers do not read out by itself).
 */
export function Countdown({ deadline }: { deadline: string }) {
  const { t } = useTranslation();
  const clock = useTimeFormat();
  const seconds = useSecondsLeft(deadline) ?? 0;
  return (
    <>
      <p className="countdown" role="timer" data-testid="countdown">
        {seconds > 0
          ? t('responder.countdown.left', { left: minutesAndSeconds(seconds) })
          : t('responder.countdown.over')}
      </p>
      <p className="hint">{t('responder.expiresIn', { time: clock(deadline) })}</p>
      <p className="visually-hidden" aria-live="polite" data-testid="countdown-announcement">
        {announcement(seconds, t)}
      </p>
    </>
  );
}
