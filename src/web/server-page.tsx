import { createContext, useContext, useEffect, useState } from 'react';
import { SERVER_PAGE_ID, type ServerPage } from '../shared/pages.js';

/**
 * What the server rendered a page with (pages.ts in the server): the
 * coalition's public numbers, its time zone and, for a form posted without
 * JavaScript, the server's answer. The browser reads the same JSON from the
 * page before it takes it over, so its first render is the server's.
 */
const NONE: ServerPage = { language: 'en', contacts: {}, timeZone: 'UTC', renderedAt: '', queries: [] };

export const ServerPageContext = createContext<ServerPage>(NONE);
export const useServerPage = () => useContext(ServerPageContext);

/** Where the server collects the title a page asks for while it renders. */
export const TitleSinkContext = createContext<{ title: string } | null>(null);

let read: ServerPage | null | undefined;

/** The ServerPage the server put into this page (read once), if it rendered it. */
export function readServerPage(): ServerPage | null {
  if (read !== undefined) return read;
  const block = document.getElementById(SERVER_PAGE_ID);
  try {
    read = block?.textContent ? (JSON.parse(block.textContent) as ServerPage) : null;
  } catch {
    read = null;
  }
  return read;
}

/**
 * False while the page is only what the server sent (and in the browser's
 * first render, which must match it); true once scripts run. Controls that
 * need JavaScript (the phone's position, photos) appear only then.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
