import type { SqlExecutor } from '../../db/database.js';

/**
 * The delivery records' SQL, the claims: a sender claims rows before sending
 * (SKIP LOCKED, leased), renews its leases while it holds them, and marks
 * each row after (sent, to retry, failed). The rows are made by the walk,
 * delivery.repo.ts; both are the alerts module's.
 */

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
  // A follow-up has replaced the alert: what is due of it (a retry, a row a dead sender held) never
  // leaves after the follow-up — it is withdrawn, and nothing is claimed. (Planned as a one-time
  // filter: for an alert in force the rows are not even read.)
  const { rowCount: withdrawn } = await client.query(
    `update deliveries set state = 'withdrawn', lease_until = null
     where alert_id = $1 and channel = $2
       and (state = 'queued' or (state = 'sending' and lease_until < clock_timestamp()))
       and exists (select 1 from alerts where id = $1 and ended_at is not null)`,
    [alertId, channel],
  );
  if (withdrawn) return [];
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
         and not exists (select 1 from alerts where id = $1 and ended_at is not null)
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
     -- A subscription deleted meanwhile comes back without a contact: marked gone, never stuck.
     select claimed.subscription_id, claimed.attempts, coalesce(s.contact, '') as contact,
            coalesce(s.language, 'en') as language
     from claimed left join subscriptions s on s.id = claimed.subscription_id`,
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
 * Returns how many it still held.
 */
export async function renewLeases(
  client: SqlExecutor,
  alertId: string,
  rows: ReadonlyArray<{ subscriptionId: string; attempts: number }>,
  leaseSeconds: number,
): Promise<number> {
  if (rows.length === 0) return 0;
  const { rowCount } = await client.query(
    `update deliveries d set lease_until = now() + make_interval(secs => $4)
     from unnest($2::uuid[], $3::int[]) as held(subscription_id, attempts)
     where d.alert_id = $1 and d.subscription_id = held.subscription_id
       and d.attempts = held.attempts and d.state = 'sending'`,
    [alertId, rows.map((row) => row.subscriptionId), rows.map((row) => row.attempts), leaseSeconds],
  );
  return rowCount ?? 0;
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
  return (await renewLeases(client, alertId, [row], leaseSeconds)) === 1;
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
     -- Replaced by a follow-up meanwhile: not tried again after it, and withdrawn even at its last
     -- attempt — still among those the follow-up goes to, as it was while sending ('failed' is not).
     set state = case when exists (select 1 from alerts where id = $1 and ended_at is not null) then 'withdrawn'
                      when attempts >= $4 then 'failed'
                      else 'queued' end,
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
