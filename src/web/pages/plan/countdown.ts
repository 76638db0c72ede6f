import { useEffect, useRef, useState } from 'react';

/** Seconds between the press and the activation, to undo a press that was a mistake. */
export const UNDO_SECONDS = 5;

/**
 * The undo window of an activation: `start` counts UNDO_SECONDS down and then calls `fire` with what
 * it was started with; `stop` (the undo button) ends it with nothing sent. Leaving the page ends it
 * too. So a mistaken press never leaves the phone.
 */
export function useUndoCountdown<T>(fire: (value: T) => void) {
  const [left, setLeft] = useState<{ seconds: number; value: T } | null>(null);
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const clear = () => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
  };
  // Leaving the page ends the countdown with nothing sent.
  useEffect(
    () => () => {
      if (timer.current) clearInterval(timer.current);
    },
    [],
  );
  const stop = () => {
    clear();
    setLeft(null);
  };
  const start = (value: T) => {
    clear();
    setLeft({ seconds: UNDO_SECONDS, value });
    timer.current = setInterval(() => {
      setLeft((current) => {
        if (!current) return null;
        if (current.seconds > 1) return { ...current, seconds: current.seconds - 1 };
        clear();
        fire(current.value);
        return null;
      });
    }, 1000);
  };
  return { left, start, stop };
}
