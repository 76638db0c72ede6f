import type { SqlExecutor } from '../../db/database.js';

/**
 * The delivery records' SQL: one row per alert × subscription (and so per
 * channel), never two — the fan-out inserts with ON CONFLICT DO NOTHING, and
 * a sender claims rows before sending and marks them after.
 */

/**
 * Creates the delivery rows of a published alert. Whom it reaches is decided
 * here, in SQL: an alert that is not Actual reaches only staff test
 * subscriptions, whatever called this. A follow-up (update, all clear,
 * cancel) first withdraws what of the earlier alert has not left yet; it
 * reaches everyone the earlier one reached, and (except a cancel, which goes
 * to exactly those) the subscribers of its own zones.
 */
export async function fanOut(client: SqlExecutor, alertId: string): Promise<Record<string, number>> {
  await client.query(
    `update deliveries set state = 'withdrawn', lease_until = null
     where alert_id = (select references_id from alerts where id = $1 and state = 'published')
       and state = 'queued'`,
    [alertId],
  );
  const inserted = await client.query<{ channel: string; n: number }>(
    `with alert as (
       select id, coalition_id, kind, cap_status, references_id from alerts
       where id = $1 and state = 'published'
     ),
     target as (
       select sz.subscription_id as id
       from alert_zones az
       join subscription_zones sz on sz.zone_id = az.zone_id
       where az.alert_id = $1 and (select kind from alert) <> 'cancel'
       union
       select d.subscription_id
       from deliveries d
       where d.alert_id = (select references_id from alert) and d.state in ('sent', 'sending')
     ),
     added as (
       insert into deliveries (alert_id, subscription_id, channel)
       select alert.id, s.id, s.channel
       from target
       join subscriptions s on s.id = target.id
       cross join alert
       where s.status = 'active'
         and s.coalition_id = alert.coalition_id
         -- The one rule that keeps tests and exercises from the public: it lives in the query itself.
         and (alert.cap_status = 'Actual' or s.audience = 'staff')
       on conflict do nothing
       returning channel
     )
     select channel, count(*)::int as n from added group by channel`,
    [alertId],
  );
  await client.query(`update alerts set queued_at = coalesce(queued_at, now()) where id = $1`, [alertId]);
  return Object.fromEntries(inserted.rows.map((row) => [row.channel, row.n]));
}

/** Channels of an alert with rows still to send (after a fan-out, or at start after a crash). */
export async function pendingChannels(client: SqlExecutor, alertId?: string) {
  const { rows } = await client.query<{ alert_id: string; channel: string }>(
    `select distinct alert_id, channel from deliveries
     where state in ('queued', 'sending') ${alertId ? 'and alert_id = $1' : ''}`,
    alertId ? [alertId] : [],
  );
  return rows.map((row) => ({ alertId: row.alert_id, channel: row.channel }));
}

export interface ClaimedDelivery {
  subscriptionId: string;
  attempts: number;
  contact: string;
  language: string;
}

/**
 * Claims up to `limit` rows ready to send (queued and not backing off, or
 * held by a worker whose lease ran out) for `leaseSeconds`. SKIP LOCKED lets
 * several workers share one alert without ever taking the same row.
 */
export async function claimDeliveries(
  client: SqlExecutor,
  alertId: string,
  channel: string,
  limit: number,
  leaseSeconds: number,
): Promise<ClaimedDelivery[]> {
  const { rows } = await client.query<{
    subscription_id: string;
    attempts: number;
    contact: string;
    language: string;
  }>(
    `with picked as (
       select subscription_id from deliveries
       where alert_id = $1 and channel = $2
         and state in ('queued', 'sending')
         and (lease_until is null or lease_until < now())
       limit $3
       for update skip locked
     ),
     claimed as (
       update deliveries d
       set state = 'sending', attempts = d.attempts + 1, lease_until = now() + make_interval(secs => $4)
       from picked
       where d.alert_id = $1 and d.subscription_id = picked.subscription_id
       returning d.subscription_id, d.attempts
     )
     select claimed.subscription_id, claimed.attempts, s.contact, s.language
     from claimed join subscriptions s on s.id = claimed.subscription_id`,
    [alertId, channel, limit, leaseSeconds],
  );
  return rows.map((row) => ({
    subscriptionId: row.subscription_id,
    attempts: row.attempts,
    contact: row.contact,
    language: row.language,
  }));
}

/**
 * Extends the leases of rows a live sender still holds (claimed, not yet marked): one statement
 * for all of them, each only if it is still this sender's claim (same attempt, still sending).
 */
export async function renewLeases(
  client: SqlExecutor,
  alertId: string,
  rows: ReadonlyArray<{ subscriptionId: string; attempts: number }>,
  leaseSeconds: number,
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `update deliveries d set lease_until = now() + make_interval(secs => $4)
     from unnest($2::uuid[], $3::int[]) as held(subscription_id, attempts)
     where d.alert_id = $1 and d.subscription_id = held.subscription_id
       and d.attempts = held.attempts and d.state = 'sending'`,
    [alertId, rows.map((row) => row.subscriptionId), rows.map((row) => row.attempts), leaseSeconds],
  );
}

/**
 * Extends the lease on a claimed row just before its message leaves, if this sender still holds
 * it (same attempt, still sending): false when the lease ran out and another sender took it.
 */
export async function renewLease(
  client: SqlExecutor,
  alertId: string,
  row: { subscriptionId: string; attempts: number },
  leaseSeconds: number,
): Promise<boolean> {
  const { rowCount } = await client.query(
    `update deliveries set lease_until = now() + make_interval(secs => $4)
     where alert_id = $1 and subscription_id = $2 and attempts = $3 and state = 'sending'`,
    [alertId, row.subscriptionId, row.attempts, leaseSeconds],
  );
  return rowCount === 1;
}

export async function markSent(client: SqlExecutor, alertId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await client.query(
    `update deliveries set state = 'sent', sent_at = now(), lease_until = null, error = null
     where alert_id = $1 and subscription_id = any($2::uuid[]) and state = 'sending'`,
    [alertId, ids],
  );
}

/** A failure that may pass: back to the queue after a back-off that doubles, or failed for good after `maxAttempts`. */
export async function markRetry(
  client: SqlExecutor,
  alertId: string,
  ids: readonly string[],
  code: string,
  options: { maxAttempts: number; backoffSeconds: number },
): Promise<void> {
  if (ids.length === 0) return;
  await client.query(
    `update deliveries
     set state = case when attempts >= $4 then 'failed' else 'queued' end,
         error = $3,
         lease_until = case when attempts >= $4 then null
                       else now() + make_interval(secs => $5 * power(2, attempts - 1)) end
     where alert_id = $1 and subscription_id = any($2::uuid[]) and state = 'sending'`,
    [alertId, ids, code, options.maxAttempts, options.backoffSeconds],
  );
}

/** Failed for good; `gone` also retires the subscription (its contact erased), as push services ask. */
export async function markFailed(
  client: SqlExecutor,
  alertId: string,
  ids: readonly string[],
  code: string,
  gone: boolean,
): Promise<void> {
  if (ids.length === 0) return;
  await client.query(
    `update deliveries set state = 'failed', error = $3, lease_until = null
     where alert_id = $1 and subscription_id = any($2::uuid[]) and state = 'sending'`,
    [alertId, ids, code],
  );
  if (gone) {
    await client.query(
      `update subscriptions set status = 'expired', contact = '', pending = null where id = any($1::uuid[])`,
      [ids],
    );
  }
}

/** When the next row backing off becomes ready, if any. */
export async function nextRetryAt(
  client: SqlExecutor,
  alertId: string,
  channel: string,
): Promise<Date | null> {
  const { rows } = await client.query<{ at: Date | null }>(
    `select min(lease_until) as at from deliveries
     where alert_id = $1 and channel = $2 and state in ('queued', 'sending')`,
    [alertId, channel],
  );
  return rows[0]?.at ?? null;
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
 * leads the deliveries_pending index), never by scanning the whole table.
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
