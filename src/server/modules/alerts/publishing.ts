import { type PublishingSettings, publishingSettingsSchema } from '../../../shared/alert.js';
import type { PublicContacts } from '../../../shared/pages.js';
import type { Drizzle } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { recordAudit } from '../access/audit.js';
import { coalitionSettings } from '../coalitions/settings.js';
import { forgetPublicDocuments } from './alerts.repo.js';
import type { GuardOptions } from './guard.js';
import type { PublicContext } from './render.js';

/** The publishing guard's settings and the public identity (CAP sender, links) of this Faro. */
export interface Publishing {
  context(coalitionId: string): Promise<PublicContext>;
  settings(coalitionId: string): Promise<PublishingSettings>;
  /** The hotline and text numbers the public pages show (the SMS number defaults to the one texts come from). */
  contacts(coalitionId: string): Promise<PublicContacts>;
  /** Replaces the settings; the change is audited (who, when — not the lists themselves). */
  update(coalitionId: string, settings: PublishingSettings, actorId: string): Promise<PublishingSettings>;
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
  publicUrl: string;
  /** The number this Faro sends texts from: alerts may always give it, like this Faro's own host. */
  smsFrom?: string | undefined;
}): Publishing {
  const ownHost = publicHost(deps.publicUrl);
  const { publicUrl } = deps;
  // A Messaging Service SID ("MG…") is not a number anyone can call.
  const ownNumbers = deps.smsFrom && /^\+?\d[\d\s().-]*$/.test(deps.smsFrom) ? [deps.smsFrom] : [];

  async function load(coalitionId: string) {
    const stored = await coalitionSettings.publishing(deps.db, coalitionId);
    if (!stored) throw new AppError('NOT_FOUND', 'No such coalition.');
    const parsed = publishingSettingsSchema.safeParse({ ...EMPTY, ...(stored.publishing as object) });
    return { name: stored.name, settings: parsed.success ? parsed.data : EMPTY };
  }

  const optionsOf = (settings: PublishingSettings): GuardOptions => ({
    allowedHosts: [ownHost, ...settings.allowedHosts],
    blockedNames: settings.blockedNames,
    allowedNumbers: [
      ...ownNumbers,
      ...(settings.allowedNumbers ?? []),
      ...[settings.contacts?.hotline, settings.contacts?.sms].filter((n): n is string => !!n),
    ],
  });

  return {
    async context(coalitionId) {
      const { name, settings } = await load(coalitionId);
      return {
        guard: optionsOf(settings),
        sender: capSender(deps.publicUrl),
        senderName: name,
        publicUrl,
      };
    },
    async settings(coalitionId) {
      return (await load(coalitionId)).settings;
    },
    async contacts(coalitionId) {
      const { contacts } = (await load(coalitionId)).settings;
      return { hotline: contacts?.hotline, sms: contacts?.sms ?? ownNumbers[0] };
    },
    async update(coalitionId, settings, actorId) {
      const { settings: current } = await load(coalitionId);
      // Clients written before the allow-list existed send no numbers: keep the ones set.
      // Nor the public numbers (issue 14): a form that does not show them leaves them as they are.
      const next = {
        ...settings,
        allowedNumbers: settings.allowedNumbers ?? current.allowedNumbers ?? [],
        ...((settings.contacts ?? current.contacts)
          ? { contacts: settings.contacts ?? current.contacts }
          : {}),
      };
      // What alerts may say is a safety setting: who changed it is kept with the change.
      await deps.db.transaction(async (tx) => {
        await coalitionSettings.setPublishing(tx, coalitionId, next);
        // Public documents were made under the old settings: made again, guarded, at their next read.
        await forgetPublicDocuments(tx, coalitionId);
        await recordAudit(tx, {
          coalitionId,
          actorId,
          action: 'settings.publishing_changed',
          subjectType: 'coalition',
          subjectId: coalitionId,
          at: new Date(),
        });
      });
      return next;
    },
  };
}
