import { type PublishingSettings, publishingSettingsSchema } from '../../../shared/alert.js';
import type { Drizzle } from '../../db/database.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import { publishingSettings, setPublishingSettings } from './alerts.repo.js';
import type { GuardOptions } from './guard.js';
import type { PublicContext } from './render.js';

/** The publishing guard's settings and the public identity (CAP sender, links) of this Faro. */
export interface Publishing {
  guardOptions(): Promise<GuardOptions>;
  context(): Promise<PublicContext>;
  settings(): Promise<PublishingSettings>;
  update(settings: PublishingSettings): Promise<PublishingSettings>;
}

const EMPTY: PublishingSettings = { allowedHosts: [], blockedNames: [], allowedNumbers: [] };

export function createPublishing(deps: {
  db: Drizzle;
  coalitions: CoalitionService;
  publicUrl: string | undefined;
  /** The number this Faro sends texts from: alerts may always give it, like this Faro's own host. */
  smsFrom?: string | undefined;
}): Publishing {
  const ownHost = deps.publicUrl ? new URL(deps.publicUrl).hostname : 'localhost';
  const publicUrl = deps.publicUrl?.replace(/\/$/, '');
  // A Messaging Service SID ("MG…") is not a number anyone can call.
  const ownNumbers = deps.smsFrom && /^\+?\d[\d\s().-]*$/.test(deps.smsFrom) ? [deps.smsFrom] : [];

  async function load() {
    const coalition = await deps.coalitions.current();
    const row = await publishingSettings(deps.db, coalition.id);
    const parsed = publishingSettingsSchema.safeParse({ ...EMPTY, ...(row?.publishing as object) });
    return { coalition, settings: parsed.success ? parsed.data : EMPTY };
  }

  const optionsOf = (settings: PublishingSettings): GuardOptions => ({
    allowedHosts: [ownHost, ...settings.allowedHosts],
    blockedNames: settings.blockedNames,
    allowedNumbers: [...ownNumbers, ...(settings.allowedNumbers ?? [])],
  });

  return {
    async guardOptions() {
      return optionsOf((await load()).settings);
    },
    async context() {
      const { coalition, settings } = await load();
      return {
        guard: optionsOf(settings),
        sender: `faro@${ownHost}`,
        senderName: coalition.name,
        publicUrl,
      };
    },
    async settings() {
      return (await load()).settings;
    },
    async update(settings) {
      const { coalition, settings: current } = await load();
      // Clients written before the allow-list existed send no numbers: keep the ones set.
      const next = { ...settings, allowedNumbers: settings.allowedNumbers ?? current.allowedNumbers ?? [] };
      await setPublishingSettings(deps.db, coalition.id, next);
      return next;
    },
  };
}
