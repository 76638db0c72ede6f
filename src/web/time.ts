import { useCallback } from 'react';
import { formatTime, type TimeStyle } from '../shared/time.js';
import { usePageLanguage } from './language.js';
import { useServerPage } from './server-page.js';

/**
 * Times as this page's reader sees them: the page's language (any of the ten on a public page), the coalition's time
 * zone (given by the server in the page), the one formatter of src/shared/time.ts.
 */
export function useTimeFormat(): (at: string | Date | number, style?: TimeStyle) => string {
  const language = usePageLanguage();
  const { timeZone } = useServerPage();
  return useCallback(
    (at, style = 'clock') => formatTime(at, language, timeZone, style),
    [language, timeZone],
  );
}
