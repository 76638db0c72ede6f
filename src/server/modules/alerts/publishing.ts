import { type PublishingSettings, publishingSettingsSchema } from '../../../shared/alert.js';
import type { Drizzle } from '../../db/database.js';
import { recordAudit } from '../access/audit.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import { coalitionSettings } from '../coalitions/settings.js';
import { forgetPublicDocuments } from './alerts.repo.js';
import type { GuardOptions } from './guard.js';
import type { PublicContext } from './render.js';

/** The publishing guard's settings and the public identity (CAP sender, links) of this Faro. */
export interface Publishing {
  context(): Promise<PublicContext>;
  settings(): Promise<PublishingSettings>;
  /** Replaces the settings; the change is audited (who, when — not the lists themselves). */
  update(settings: PublishingSettings, actorId: string): Promise<PublishingSettings>;
}

const EMPTY: PublishingSettings = { allowedHosts: [], blockedNames: [], allowedNumbers: [] };

/**
 * This Faro's public host, the one place it is decided: the configured public
 * address's host (PUBLIC_URL, required outside the demo; a demo's is this machine).
 * The CAP sender and the links alerts may carry come from it, never from a request.
 */
export function publicHost(publicUrl: string): string {
  return new URL(publicUrl).hostname;
}

/** The CAP `sender` of every message this Faro issues. */
export const capSender = (publicUrl: string) => `faro@${publicHost(publicUrl)}`;

export function createPublishing(deps: {
  db: Drizzle;
  coalitions: CoalitionService;
  publicUrl: string;
  /** The number this Faro sends texts from: alerts may always give it, like this Faro's own host. */
  smsFrom?: string | undefined;
}): Publishing {
  const ownHost = publicHost(deps.publicUrl);
  const { publicUrl } = deps;
  // A Messaging Service SID ("MG…") is not a number anyone can call.
  const ownNumbers = deps.smsFrom && /^\+?\d[\d\s().-]*$/.test(deps.smsFrom) ? [deps.smsFrom] : [];

  async function load() {
    const coalition = await deps.coalitions.current();
    const stored = await coalitionSettings.publishing(deps.db, coalition.id);
    const parsed = publishingSettingsSchema.safeParse({ ...EMPTY, ...(stored as object) });
    return { coalition, settings: parsed.success ? parsed.data : EMPTY };
  }

  const optionsOf = (settings: PublishingSettings): GuardOptions => ({
    allowedHosts: [ownHost, ...settings.allowedHosts],
    blockedNames: settings.blockedNames,
    allowedNumbers: [...ownNumbers, ...(settings.allowedNumbers ?? [])],
  });

  return {
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
    async update(settings, actorId) {
      const { coalition, settings: current } = await load();
      // Clients written before the allow-list existed send no numbers: keep the ones set.
      const next = { ...settings, allowedNumbers: settings.allowedNumbers ?? current.allowedNumbers ?? [] };
      // What alerts may say is a safety setting: who changed it is kept with the change.
      await deps.db.transaction(async (tx) => {
        await coalitionSettings.setPublishing(tx, coalition.id, next);
        // Public documents were made under the old settings: made again, guarded, at their next read.
        await forgetPublicDocuments(tx, coalition.id);
        await recordAudit(tx, {
          coalitionId: coalition.id,
          actorId,
          action: 'settings.publishing_changed',
          subjectType: 'coalition',
          subjectId: coalition.id,
          at: new Date(),
        });
      });
      return next;
    },
  };
}
