/*
 * The staff board's light and dark themes: what the device remembers, and the
 * small script that applies it before the first paint (no flash of the wrong
 * theme). The server allows exactly this inline script by its hash
 * (http/security.ts); the build puts it into the page's head (vite.config.ts).
 */

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** Where the device keeps the choice (localStorage). */
export const THEME_STORAGE_KEY = 'faro.theme';

/**
 * Sets `<html data-theme>` from the remembered choice before anything is
 * drawn; "system" (or nothing stored) leaves it to `prefers-color-scheme`.
 */
export const THEME_BOOT_SCRIPT = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t==="light"||t==="dark")document.documentElement.setAttribute("data-theme",t)}catch(e){}})()`;
