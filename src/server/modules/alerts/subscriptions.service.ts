import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Language } from '../../../shared/report-fields.js';
import type { SubscriptionView, subscribeInputSchema } from '../../../shared/subscription.js';
import type { SecretBox } from '../../crypto/secret-box.js';
import type { Database, Drizzle, Tx } from '../../db/database.js';
import { AppError } from '../../http/errors.js';
import { defineJob } from '../../jobs/queue.js';
import { message } from '../../locales/messages.js';
import type { Mailer } from '../../mail/mailer.js';
import type { CoalitionService } from '../coalitions/coalitions.service.js';
import {
  deleteSubscription,
  existingZones,
  findByDigest,
  findByToken,
  insertSubscription,
  type SubscriptionRow,
  setSubscriptionZones,
  updateSubscription,
  zonesOf,
} from './subscriptions.repo.js';

const token = () => randomBytes(32).toString('base64url');
const hash = (value: string) => createHash('sha256').update(value).digest('hex');
const contactContext = (id: string) => `subscription:${id}`;

/** "m***@example.org": enough for its owner to recognise, nothing for anyone else. */
export function maskAddress(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

const pendingSchema = z.object({ zoneIds: z.array(z.uuid()), language: z.enum(['en', 'es']) });

export interface SubscriptionService {
  /**
   * Records a request and sends the confirmation (double opt-in). Answers the
   * same whether or not the address was known, so nobody learns who is subscribed.
   */
  subscribe(input: z.output<typeof subscribeInputSchema>, base: string): Promise<void>;
  confirm(token: string): Promise<SubscriptionView>;
  view(token: string): Promise<SubscriptionView>;
  /** Unsubscribe in one step: the subscription and its contact are deleted. */
  remove(token: string): Promise<void>;
}

/** The confirmation e-mail, in the subscriber's language; the links travel sealed in the job. */
export function subscriptionMailJob(deps: { mailer: Mailer; box: SecretBox }) {
  return defineJob({
    name: 'subscriptions.confirm-mail',
    payload: z.object({ subscriptionId: z.uuid(), sealed: z.string(), language: z.enum(['en', 'es']) }),
    retryLimit: 8,
    retryDelaySeconds: 30,
    async handler(payload) {
      const { to, confirm, manage } = JSON.parse(
        deps.box.open(payload.sealed, `subscription-mail:${payload.subscriptionId}`),
      ) as { to: string; confirm: string; manage: string };
      await deps.mailer.send({
        to,
        subject: message(payload.language, 'subscriptionMail.subject'),
        text: message(payload.language, 'subscriptionMail.body', { confirm, manage }),
      });
    },
  });
}

export function createSubscriptionService(deps: {
  database: Database;
  coalitions: CoalitionService;
  box: SecretBox;
  now?: () => Date;
  enqueueMail: (
    mail: { subscriptionId: string; sealed: string; language: Language },
    tx: Tx,
  ) => Promise<unknown>;
}): SubscriptionService {
  const { database, box } = deps;
  const now = deps.now ?? (() => new Date());

  // On PGlite a transaction holds the only connection: reads inside one must use its db.
  async function viewOf(row: SubscriptionRow, db: Drizzle = database.db): Promise<SubscriptionView> {
    return {
      channel: row.channel as SubscriptionView['channel'],
      contact: maskAddress(box.open(row.contact, contactContext(row.id))),
      language: row.language as Language,
      status: row.status as SubscriptionView['status'],
      zones: await zonesOf(db, row.id),
    };
  }

  async function byManageToken(value: string) {
    const row = await findByToken(database.db, 'manage', hash(value));
    if (!row)
      throw new AppError('NOT_FOUND', 'This link is not valid any more. Subscribe again to get a new one.');
    return row;
  }

  return {
    async subscribe(input, base) {
      const coalition = await deps.coalitions.current();
      const zoneIds = [...new Set(input.zoneIds)];
      const found = await existingZones(database.db, coalition.id, zoneIds);
      if (found.length !== zoneIds.length) {
        throw new AppError('VALIDATION', 'One of the zones does not exist; choose from the list.', {
          fields: [{ field: 'zoneIds', message: 'unknown zone' }],
        });
      }
      const address = input.address.trim().toLowerCase();
      const digest = box.digest(address, `subscription:${input.channel}`);
      const confirm = token();
      const manage = token();
      const pending = { zoneIds, language: input.language };
      await database.transaction(async (tx) => {
        const existing = await findByDigest(tx.db, coalition.id, input.channel, digest);
        const id = existing?.id ?? randomUUID();
        if (existing) {
          await updateSubscription(tx.db, id, {
            pending,
            confirmTokenHash: hash(confirm),
            manageTokenHash: hash(manage),
          });
        } else {
          await insertSubscription(tx.db, {
            id,
            coalitionId: coalition.id,
            channel: input.channel,
            contact: box.seal(address, contactContext(id)),
            contactDigest: digest,
            language: input.language,
            pending,
            confirmTokenHash: hash(confirm),
            manageTokenHash: hash(manage),
          });
        }
        const links = {
          to: address,
          confirm: `${base}/subscribe/confirm?token=${confirm}`,
          manage: `${base}/subscription?token=${manage}`,
        };
        await deps.enqueueMail(
          {
            subscriptionId: id,
            sealed: box.seal(JSON.stringify(links), `subscription-mail:${id}`),
            language: input.language,
          },
          tx,
        );
      });
    },

    async confirm(value) {
      return database.transaction(async (tx) => {
        const row = await findByToken(tx.db, 'confirm', hash(value));
        if (!row) throw new AppError('NOT_FOUND', 'This confirmation link was used already or is not valid.');
        const pending = pendingSchema.parse(row.pending);
        await setSubscriptionZones(tx.db, row.id, pending.zoneIds);
        await updateSubscription(tx.db, row.id, {
          status: 'active',
          language: pending.language,
          pending: null,
          confirmTokenHash: null,
          confirmedAt: now(),
        });
        return viewOf({ ...row, language: pending.language, status: 'active' }, tx.db);
      });
    },

    async view(value) {
      return viewOf(await byManageToken(value));
    },

    async remove(value) {
      const row = await byManageToken(value);
      await deleteSubscription(database.db, row.id);
    },
  };
}
