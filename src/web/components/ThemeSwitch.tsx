import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { THEMES, type Theme } from '../../shared/theme.js';
import { useTheme } from '../theme.js';

/** Light, dark, or as the device is set: for a board watched through a night shift. */
export function ThemeSwitch() {
  const { t } = useTranslation();
  const id = useId();
  const [theme, setTheme] = useTheme();
  return (
    <div className="theme-switch">
      <label htmlFor={id}>{t('theme.label')}</label>
      <select
        id={id}
        data-testid="theme-switch"
        value={theme}
        onChange={(event) => setTheme(event.target.value as Theme)}
      >
        {THEMES.map((option) => (
          <option key={option} value={option}>
            {t(`theme.${option}`)}
          </option>
        ))}
      </select>
    </div>
  );
}
