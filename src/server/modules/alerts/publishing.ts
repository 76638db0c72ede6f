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

const EMPTY: PublishingSettings = { allowedHosts: [], blockedNames: [] };

/** A demo without PUBLIC_URL still needs a public host: one that is plainly no real network's (RFC 2606). */
export const DEMO_PUBLIC_HOST = 'demo.faro.invalid';

/**
 * This Faro's public host, the one place it is decided: PUBLIC_URL's host (required outside
 * the demo), or the demo's stand-in. The CAP sender and the links alerts may carry come from it.
 */
export function publicHost(publicUrl: string | undefined): string {
  return publicUrl ? new URL(publicUrl).hostname : DEMO_PUBLIC_HOST;
}

/** The CAP `sender` of every message this Faro issues. */
export const capSender = (publicUrl: string | undefined) => `faro@${publicHost(publicUrl)}`;

export function createPublishing(deps: {
  db: Drizzle;
  coalitions: CoalitionService;
  publicUrl: string | undefined;
}): Publishing {
  const ownHost = publicHost(deps.publicUrl);
  const publicUrl = deps.publicUrl?.replace(/\/$/, '');

  async function load() {
    const coalition = await deps.coalitions.current();
    const row = await publishingSettings(deps.db, coalition.id);
    const parsed = publishingSettingsSchema.safeParse({ ...EMPTY, ...(row?.publishing as object) });
    return { coalition, settings: parsed.success ? parsed.data : EMPTY };
  }

  const optionsOf = (settings: PublishingSettings): GuardOptions => ({
    allowedHosts: [ownHost, ...settings.allowedHosts],
    blockedNames: settings.blockedNames,
  });

  return {
    async guardOptions() {
      return optionsOf((await load()).settings);
    },
    async context() {
      const { coalition, settings } = await load();
      return {
        guard: optionsOf(settings),
        sender: capSender(deps.publicUrl),
        senderName: coalition.name,
        publicUrl,
      };
    },
    async settings() {
      return (await load()).settings;
    },
    async update(settings) {
      const coalition = await deps.coalitions.current();
      await setPublishingSettings(deps.db, coalition.id, settings);
      return settings;
    },
  };
}
