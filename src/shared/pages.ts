/** The paths of the web app; the server answers each with the app shell. */
export const WEB_PAGES = [
  '/',
  '/report',
  '/status',
  '/subscribe',
  '/subscribe/confirm',
  '/subscription',
  '/alerts',
  '/unsubscribe',
  '/alerting',
  '/dispatch',
  '/hotline',
  '/field',
  '/signin',
  '/invite',
  '/account',
  '/admin',
] as const;
