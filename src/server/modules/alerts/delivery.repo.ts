import { DELIVERY_CHANNELS, type DeliveryChannel } from '../../../shared/alert.js';
import type { Database, SqlExecutor, Tx } from '../../db/database.js';
import { referenceChain } from './alerts.repo.js';
import {
  type ClaimedDelivery,
  claimedOf,
  earlierOnItsWay,
  POSSIBLY_REACHED,
} from './delivery-claims.repo.js';

/**
 * The delivery records' SQL, the walk: one row per alert × subscription (and
 * so per channel), never two — a sender taking a page of an alert's delivery
 * sources inserts with ON CONFLICT DO NOTHING. Claiming the rows made, leases
 * and marks are in delivery-claims.repo.ts; both are the alerts module's.
 */

/**
 * Starts the delivery of a published alert: where each channel's senders are to
 * walk (its zones' subscribers and, for a follow-up, everyone the earlier alert
 * reached; a cancel goes to exactly those), and nothing more — the delivery
 * rows are made by the senders, page by page (`advanceDeliveries`), so the
 * first messages leave after the first page. A follow-up (update, all clear,
 * cancel) first withdraws what of the earlier alert has not left yet: its open
 * sources (waiting for a page being taken) and its queued rows. Run again, it
 * adds nothing. Returns the channels with recipients to walk.
 */
export async function startFanOut(client: SqlExecutor, alertId: string): Promise<DeliveryChannel[]> {
  await client.query(
    `update delivery_sources set state = 'withdrawn'
     where alert_id = (select references_id from alerts where id = $1 and state = 'published')
       and state = 'open'`,
    [alertId],
  );
  await client.query(
    `update deliveries set state = 'withdrawn', lease_until = null
     where alert_id = (select references_id from alerts where id = $1 and state = 'published')
       and state = 'queued'`,
    [alertId],
  );
  await client.query(
    `with alert as (
       -- An alert a follow-up has already replaced is never walked, even when its own start comes
       -- late (a retried job): the follow-up's publication sets ended_at under this row's lock.
       select id, kind, references_id from alerts
       where id = $1 and state = 'published' and ended_at is null
       for share
     ),
     source as (
       select az.zone_id, row_number() over (order by az.zone_id)::smallint as position
       from alert_zones az, alert
       where az.alert_id = alert.id and alert.kind <> 'cancel'
       union all
       select null, 0::smallint from alert where references_id is not null
     )
     insert into delivery_sources (alert_id, channel, position, zone_id)
     select alert.id, c.channel, source.position, source.zone_id
     from alert, source, unnest($2::text[]) as c(channel)
     -- A channel nobody in the coalition uses now is not walked at all.
     where exists (
       select 1 from subscriptions s
       where s.coalition_id = (select coalition_id from alerts where id = $1)
         and s.channel = c.channel and s.status = 'active'
     )
     on conflict do nothing`,
    [alertId, DELIVERY_CHANNELS],
  );
  const { rows } = await client.query<{ channel: DeliveryChannel }>(
    `select distinct channel from delivery_sources where alert_id = $1 and state = 'open'`,
    [alertId],
  );
  return rows.map((row) => row.channel);
}

/** Whether a channel of a published alert (not replaced by a follow-up) has recipients still to walk. */
const OPEN_SOURCES = `select exists (
  select 1 from delivery_sources ds join alerts a on a.id = ds.alert_id
  where ds.alert_id = $1 and ds.channel = $2 and ds.state = 'open'
    and a.state = 'published' and a.ended_at is null
) as open`;

/** Rows a sender claimed by taking a page of recipients, and whether any source of its channel is still open. */
export interface AdvancedPage {
  claimed: ClaimedDelivery[];
  open: boolean;
}

/**
 * Takes the next page of an alert's recipients for one channel: the first
 * open source's row is locked (another sender of the channel waits its turn),
 * up to `scan` subscriptions after its cursor are walked, a delivery row is
 * made for each that the alert reaches (the rule below, as `countRecipients`
 * counts them) — the first `batch` claimed for the caller ('sending', leased),
 * the rest queued — and the cursor moves, all in one transaction. The rule
 * that keeps tests and exercises from the public lives in the query itself.
 * When the last source is walked, the alert's `queued_at` is set.
 */
export async function advanceDeliveries(
  database: Pick<Database, 'transaction'>,
  alertId: string,
  channel: string,
  options: { scan: number; batch: number; leaseSeconds: number },
): Promise<AdvancedPage & { walked: number }> {
  const page = await database.transaction(async (tx) => {
    const { client } = tx;
    const taken = await takePage(tx, alertId, channel, options);
    // Whether the channel still has recipients to walk: the source just taken, unless it is now
    // finished (or there was none — the one waited for was finished meanwhile); then any other.
    const open =
      taken.sourceOpen ||
      ((await client.query<{ open: boolean }>(OPEN_SOURCES, [alertId, channel])).rows[0]?.open ?? false);
    return { claimed: taken.claimed, walked: taken.walked, open };
  });
  if (!page.open) {
    // This channel's recipients all walked; when every channel's are, every delivery of the alert
    // has been queued. Checked after the commit, so of two channels finishing at once the later
    // one sees the other's done.
    await database.transaction(({ client }) =>
      client.query(
        `update alerts set queued_at = coalesce(queued_at, now())
         where id = $1 and not exists (select 1 from delivery_sources where alert_id = $1 and state = 'open')`,
        [alertId],
      ),
    );
  }
  return page;
}

/** One page of the first open source, in the caller's transaction; `sourceOpen` when it has more. */
async function takePage(
  tx: Tx,
  alertId: string,
  channel: string,
  options: { scan: number; batch: number; leaseSeconds: number },
): Promise<{ claimed: ClaimedDelivery[]; walked: number; sourceOpen: boolean }> {
  const { client } = tx;
  const { rows: sources } = await client.query<{
    position: number;
    zone_id: string | null;
    after_id: string | null;
    coalition_id: string;
    cap_status: string;
    references_id: string | null;
  }>(
    `select ds.position, ds.zone_id, ds.after_id, a.coalition_id, a.cap_status, a.references_id
       from delivery_sources ds join alerts a on a.id = ds.alert_id
       where ds.alert_id = $1 and ds.channel = $2 and ds.state = 'open'
         and a.state = 'published' and a.ended_at is null
       order by ds.position limit 1
       for update of ds`,
    [alertId, channel],
  );
  const source = sources[0];
  if (!source) return { claimed: [], walked: 0, sourceOpen: false };
  const after = source.after_id ?? '00000000-0000-0000-0000-000000000000';
  // The alerts a follow-up follows: whom it walks (a cancel), and whose messages on their way it waits for.
  const chain = (await referenceChain(tx.db, source.references_id)).map((earlier) => earlier.id);
  // Walked in subscription-id order on an index (the zone's, or the earlier alert's deliveries).
  const page =
    source.zone_id !== null
      ? `select subscription_id as id from subscription_zones
           where zone_id = $7 and subscription_id > $8 order by subscription_id limit $9`
      : // Everyone the earlier alerts of the chain may have reached (a cancel of an update also
        // reaches those the original reached before the update got to them), each alert's
        // deliveries walked on its primary key.
        `select distinct id from unnest($7::uuid[]) as chain(alert_id)
           cross join lateral (
             select subscription_id as id from deliveries
             where alert_id = chain.alert_id and subscription_id > $8 and channel = $2 and ${POSSIBLY_REACHED}
             order by subscription_id limit $9
           ) reached
           order by id limit $9`;
  const { rows } = await client.query<{
    last_id: string | null;
    walked: number;
    subscription_id: string | null;
    attempts: number | null;
    contact: string | null;
    language: string | null;
  }>(
    `with page as (${page}),
       found as (
         select s.id, s.contact, s.language,
                case when cardinality($10::uuid[]) > 0 then ${earlierOnItsWay('s.id', '$10', '$2')} end
                  as wait_until
         from page join subscriptions s on s.id = page.id
         where s.channel = $2
           and s.status = 'active'
           and s.coalition_id = $3
           and ($4 = 'Actual' or s.audience = 'staff')
       ),
       -- The first $5 (a batch) are claimed, except those put off behind an earlier message on its way.
       reached as (
         select found.*, (wait_until is null and row_number() over (order by wait_until nulls first) <= $5) as mine
         from found
       ),
       added as (
         insert into deliveries (alert_id, subscription_id, channel, state, attempts, lease_until)
         select $1, reached.id, $2,
                case when reached.mine then 'sending' else 'queued' end,
                case when reached.mine then 1 else 0 end,
                case when reached.mine then clock_timestamp() + make_interval(secs => $6) else reached.wait_until end
         from reached
         on conflict do nothing
         returning subscription_id, attempts, state
       )
       select m.last_id, m.walked, c.subscription_id, c.attempts, c.contact, c.language
       from (select max(id::text)::uuid as last_id, count(*)::int as walked from page) m
       left join (
         select added.subscription_id, added.attempts, reached.contact, reached.language
         from added join reached on reached.id = added.subscription_id
         where added.state = 'sending'
       ) c on true`,
    [
      alertId,
      channel,
      source.coalition_id,
      source.cap_status,
      options.batch,
      options.leaseSeconds,
      source.zone_id ?? chain,
      after,
      options.scan,
      chain,
    ],
  );
  const walked = rows[0]?.walked ?? 0;
  // A page shorter than asked for reached the source's end.
  const sourceOpen = walked >= options.scan;
  await client.query(
    `update delivery_sources set after_id = coalesce($4, after_id), state = $5
       where alert_id = $1 and channel = $2 and position = $3`,
    [alertId, channel, source.position, rows[0]?.last_id ?? null, sourceOpen ? 'open' : 'done'],
  );
  return { claimed: claimedOf(rows), walked, sourceOpen };
}

/** Channels of alerts with rows or recipients still to send (after a fan-out, or at start after a crash). */
export async function pendingChannels(client: SqlExecutor, alertId?: string) {
  const { rows } = await client.query<{ alert_id: string; channel: string }>(
    `select alert_id, channel from deliveries
     where state in ('queued', 'sending') ${alertId ? 'and alert_id = $1' : ''}
     union
     select alert_id, channel from delivery_sources
     where state = 'open' ${alertId ? 'and alert_id = $1' : ''}`,
    alertId ? [alertId] : [],
  );
  return rows.map((row) => ({ alertId: row.alert_id, channel: row.channel }));
}

/** Per channel, state and error: the delivery report. */
export async function deliveryReport(client: SqlExecutor, alertId: string) {
  const { rows } = await client.query<{ channel: string; state: string; error: string | null; n: number }>(
    `select channel, state, error, count(*)::int as n from deliveries
     where alert_id = $1 group by channel, state, error order by channel, state, error`,
    [alertId],
  );
  return rows;
}

/**
 * Deliveries of the alerts published since `since`, per channel and state,
 * and when the oldest of them with rows still to send was published (for
 * /metrics). It reaches the deliveries through their alerts (the alert id
 * leads the primary key), never by scanning the whole table.
 */
export async function recentDeliveryCounts(client: SqlExecutor, since: Date) {
  const { rows } = await client.query<{
    channel: string;
    state: string;
    n: number;
    oldest: Date | string | null;
  }>(
    `select d.channel, d.state, count(*)::int as n,
            min(a.published_at) filter (where d.state in ('queued', 'sending')) as oldest
     from alerts a join deliveries d on d.alert_id = a.id
     where a.published_at >= $1
     group by d.channel, d.state`,
    [since.toISOString()],
  );
  return rows.map((row) => ({ ...row, oldest: row.oldest ? new Date(row.oldest) : null }));
}
