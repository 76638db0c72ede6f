// Apart from config-env.ts (zod) so the CLI can show `faro start --role` without loading it.

/** What one process does: `web` serves the app, `worker` runs jobs and the grouper, `all` both. */
export const PROCESS_ROLES = ['all', 'web', 'worker'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];
