import type { SqlExecutor } from '../../db/database.js';
import { MAY_HAVE_ARRIVED_SQL, SENDER_LOST } from './channels/outcome.js';

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

/** The rows a statement claimed, from its result (a row without a subscription stands for none). */
export function claimedOf(
  rows: readonly {
    subscription_id: string | null;
    attempts: number | null;
    contact: string | null;
    language: string | null;
  }[],
): ClaimedDelivery[] {
  return rows
    .filter((row) => row.subscription_id !== null)
    .map((row) => ({
      subscriptionId: row.subscription_id as string,
      attempts: row.attempts ?? 1,
      contact: row.contact ?? '',
      language: row.language ?? 'en',
    }));
}

/** A row's error is one after which its message may have arrived (`mayHaveArrived`). */
export const MAY_HAVE_ARRIVED_ERROR = MAY_HAVE_ARRIVED_SQL;

/**
 * The deliveries of an earlier alert that may have reached their recipient, whom its follow-ups go
 * to: sent, on their way (claimed: a follow-up's message to that recipient waits for it, and is
 * withdrawn unsent if it never left — `claimDeliveries`), or with an attempt whose message may have
 * arrived (`mayHaveArrived`: a network failure other than one before sending, a sender lost
 * mid-send), whatever came after (backing off, withdrawn, failed for good). Not one answered or
 * refused for certain (gone, a 400, a refused connection), nor one claimed and held back unsent
 * (its alert replaced while it waited for the number's pace, its push service set aside).
 */
export const POSSIBLY_REACHED = `(state in ('sent', 'sending') or ${MAY_HAVE_ARRIVED_ERROR})`;

/**
 * The error a failure leaves on its row: its own code, unless an earlier attempt's message may
 * have arrived — that code stays, as it decides whom a follow-up goes to (`POSSIBLY_REACHED`): a
 * push that timed out and then met 503s until its last attempt may still be on the phone.
 */
const errorAfter = (code: string) => `case when ${MAY_HAVE_ARRIVED_ERROR} then error else ${code} end`;

/**
 * The error a row keeps when it is taken from a sender whose lease ran out (`row`: its alias, as it
 * was): that sender may have died with the message on its way, and nothing was written about it.
 */
const errorOnTakeOver = (row: string) =>
  `case when ${row}.state = 'sending' and not ${MAY_HAVE_ARRIVED_ERROR} then '${SENDER_LOST}' else ${row}.error end`;

/** The error of a follow-up's row withdrawn unsent because its recipient never got the earlier alert. */
const NOT_REACHED = 'not_reached';

/**
 * Whether a follow-up (`$1`, of the chain `chain`) still goes to a subscription (`subscription`) on
 * a channel (`channel`), looked at again when its message is about to be claimed: one of the
 * chain's messages may have reached it, or (an update, an all clear) it is in one of the alert's
 * zones — the fan-out's rule (`startFanOut`, `takePage`). At the walk, an earlier message still on
 * its way counted; it may have been held back unsent since.
 */
const stillARecipient = (subscription: string, chain: string, channel: string) =>
  `(exists (select 1 from deliveries e
     where e.alert_id = any(${chain}::uuid[]) and e.subscription_id = ${subscription}
       and e.channel = ${channel} and ${POSSIBLY_REACHED})
   or exists (select 1 from alerts a
     join alert_zones az on az.alert_id = a.id
     join subscription_zones sz on sz.zone_id = az.zone_id
     where a.id = $1 and a.kind <> 'cancel' and sz.subscription_id = ${subscription}))`;

/** How long a follow-up's message waits at most before looking again whether the earlier one has left. */
const FOLLOW_UP_RECHECK = `interval '2 seconds'`;

/**
 * Until when a follow-up's message to a subscription (`subscription`) must wait, or null: while a
 * message of an earlier alert of its chain (`chain`, uuid[]) on the same channel is still on its
 * way to that subscription (claimed, its sender alive), and then for at most FOLLOW_UP_RECHECK
 * before it is looked at again. Push services replace a waiting message by a later one of the
 * same Topic, and an alert and its follow-ups share one: a cancel that overtook its alert on the
 * way would itself be replaced by the false alert. (A text or an e-mail that overtook it would
 * read out of order.)
 */
export const earlierOnItsWay = (subscription: string, chain: string, channel: string) =>
  `(select least(max(e.lease_until), clock_timestamp() + ${FOLLOW_UP_RECHECK}) from deliveries e
    where e.alert_id = any(${chain}::uuid[]) and e.subscription_id = ${subscription}
      and e.channel = ${channel} and e.state = 'sending' and e.lease_until > clock_timestamp()
    having count(*) > 0)`;

/**
 * Claims up to `limit` rows ready to send (queued and not backing off, or
 * held by a worker whose lease ran out) for `leaseSeconds`. SKIP LOCKED lets
 * several workers share one alert without ever taking the same row. For a
 * follow-up (`chain`: the alerts it follows), a row whose recipient still has
 * a message of the chain on its way is put off instead (`earlierOnItsWay`).
 */
export async function claimDeliveries(
  client: SqlExecutor,
  alertId: string,
  channel: string,
  limit: number,
  leaseSeconds: number,
  chain: readonly string[] = [],
): Promise<ClaimedDelivery[]> {
  // A follow-up has replaced the alert: what is due of it (a retry, a row a dead sender held) never
  // leaves after the follow-up — it is withdrawn, and nothing is claimed. (Planned as a one-time
  // filter: for an alert in force the rows are not even read.)
  const { rowCount: withdrawn } = await client.query(
    `update deliveries d set state = 'withdrawn', lease_until = null, error = ${errorOnTakeOver('d')}
     where alert_id = $1 and channel = $2
       and (state = 'queued' or (state = 'sending' and lease_until < clock_timestamp()))
       and exists (select 1 from alerts where id = $1 and ended_at is not null)`,
    [alertId, channel],
  );
  if (withdrawn) return [];
  for (;;) {
    const { rows } = await client.query<{
      passed: number;
      subscription_id: string | null;
      attempts: number | null;
      contact: string | null;
      language: string | null;
    }>(
      // Of the rows picked, a follow-up's may wait for an earlier message still on its way (put
      // off), or go to nobody who got the earlier alert (withdrawn unsent); the rest are claimed.
      `with picked as (
         select mine.subscription_id, f.wait_until,
                f.wait_until is null and cardinality($5::uuid[]) > 0
                  and not ${stillARecipient('mine.subscription_id', '$5', '$2')} as unreached
         from deliveries mine
         cross join lateral (
           select case when cardinality($5::uuid[]) > 0
                       then ${earlierOnItsWay('mine.subscription_id', '$5', '$2')} end as wait_until
         ) f
         where mine.alert_id = $1 and mine.channel = $2
           and mine.state in ('queued', 'sending')
           and (mine.lease_until is null or mine.lease_until < now())
           and not exists (select 1 from alerts where id = $1 and ended_at is not null)
         limit $3
         for update of mine skip locked
       ),
       put_off as (
         update deliveries d set state = 'queued', lease_until = picked.wait_until, error = ${errorOnTakeOver('d')}
         from picked
         where d.alert_id = $1 and d.subscription_id = picked.subscription_id and picked.wait_until is not null
         returning d.subscription_id
       ),
       unreached as (
         update deliveries d set state = 'withdrawn', lease_until = null,
           error = case when d.state = 'sending' or ${MAY_HAVE_ARRIVED_ERROR} then ${errorOnTakeOver('d')}
                        else '${NOT_REACHED}' end
         from picked
         where d.alert_id = $1 and d.subscription_id = picked.subscription_id and picked.unreached
         returning d.subscription_id
       ),
       claimed as (
         update deliveries d
         set state = 'sending', attempts = d.attempts + 1, lease_until = now() + make_interval(secs => $4),
             error = ${errorOnTakeOver('d')}
         from picked
         where d.alert_id = $1 and d.subscription_id = picked.subscription_id
           and picked.wait_until is null and not picked.unreached
         returning d.subscription_id, d.attempts
       )
       -- A subscription deleted meanwhile comes back without a contact: marked gone, never stuck.
       select p.passed, c.subscription_id, c.attempts, c.contact, c.language
       from (select ((select count(*) from put_off) + (select count(*) from unreached))::int as passed) p
       left join (
         select claimed.subscription_id, claimed.attempts, coalesce(s.contact, '') as contact,
                coalesce(s.language, 'en') as language
         from claimed left join subscriptions s on s.id = claimed.subscription_id
       ) c on true`,
      [alertId, channel, limit, leaseSeconds, chain],
    );
    const claimed = claimedOf(rows);
    // Every row picked was put off or withdrawn: others may be ready behind them.
    if (claimed.length > 0 || (rows[0]?.passed ?? 0) === 0) return claimed;
  }
}

/** The rows a sender holds (renews, marks): each its subscription and the attempt it claimed. */
export type HeldRows = ReadonlyArray<{ subscriptionId: string; attempts: number }>;

/**
 * Which rows a renewal or a mark touches: those still this sender's claim (the same attempt, still
 * sending). A sender whose lease ran out, its row taken by another, must not mark that other's attempt — marked
 * sent or backing off, the row would no longer hold back a follow-up behind the message on its way.
 */
// (`= any($2)` as well as the join: the rows are found on the primary key, not by a hash join over
// every pending row of the alert — 2,000 marks read 300,000 rows that way.)
const STILL_HELD = `d.alert_id = $1 and d.subscription_id = any($2::uuid[])
       and d.subscription_id = held.subscription_id
       and d.attempts = held.attempts and d.state = 'sending'`;
const heldValues = (alertId: string, rows: HeldRows) => [
  alertId,
  rows.map((row) => row.subscriptionId),
  rows.map((row) => row.attempts),
];

/**
 * Extends the leases of rows a live sender still holds (claimed, not yet marked): one statement
 * for all of them, each only if it is still this sender's claim (same attempt, still sending).
 * Returns the subscriptions of the rows it still held.
 */
export async function renewLeases(
  client: SqlExecutor,
  alertId: string,
  rows: HeldRows,
  leaseSeconds: number,
): Promise<string[]> {
  if (rows.length === 0) return [];
  const { rows: renewed } = await client.query<{ subscription_id: string }>(
    `update deliveries d set lease_until = now() + make_interval(secs => $4)
     from unnest($2::uuid[], $3::int[]) as held(subscription_id, attempts)
     where ${STILL_HELD}
     returning d.subscription_id`,
    [...heldValues(alertId, rows), leaseSeconds],
  );
  return renewed.map((row) => row.subscription_id);
}

/**
 * Extends the lease on a claimed row just before its message leaves, if this sender still holds
 * it (same attempt, still sending) and its alert is in force: 'taken' when the lease ran out and
 * another sender took it (whatever the alert's state); 'ended' when the row is still this sender's
 * and a follow-up has replaced the alert meanwhile (a text waits long for the number's pace) — the
 * lease is then not renewed, and nothing may leave.
 */
export async function renewLease(
  client: SqlExecutor,
  alertId: string,
  row: { subscriptionId: string; attempts: number },
  leaseSeconds: number,
): Promise<'held' | 'taken' | 'ended'> {
  const { rows } = await client.query<{ mine: boolean; ended: boolean; renewed: number }>(
    `with alert as (select ended_at is not null as ended from alerts where id = $1),
     mine as (
       select 1 from deliveries d
       where d.alert_id = $1 and d.subscription_id = $2 and d.attempts = $3 and d.state = 'sending'
     ),
     renewed as (
       update deliveries d set lease_until = now() + make_interval(secs => $4)
       where d.alert_id = $1 and d.subscription_id = $2 and d.attempts = $3 and d.state = 'sending'
         and not coalesce((select ended from alert), false)
       returning 1
     )
     select exists (select 1 from mine) as mine, coalesce((select ended from alert), false) as ended,
            (select count(*)::int from renewed) as renewed`,
    [alertId, row.subscriptionId, row.attempts, leaseSeconds],
  );
  const answer = rows[0];
  // Another sender's attempt now: 'taken' whatever the alert's state — this sender must not mark
  // the row (withdrawn, it would stop a cancel waiting behind that sender's message on its way).
  if (!answer?.mine) return 'taken';
  if (answer.ended) return 'ended';
  return answer.renewed === 1 ? 'held' : 'taken';
}

export async function markSent(client: SqlExecutor, alertId: string, rows: HeldRows): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `update deliveries d set state = 'sent', sent_at = now(), lease_until = null, error = null
     from unnest($2::uuid[], $3::int[]) as held(subscription_id, attempts)
     where ${STILL_HELD}`,
    heldValues(alertId, rows),
  );
}

/** A failure that may pass: back to the queue after a back-off that doubles, or failed for good after `maxAttempts`. */
export async function markRetry(
  client: SqlExecutor,
  alertId: string,
  rows: HeldRows,
  code: string,
  options: { maxAttempts: number; backoffSeconds: number },
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `update deliveries d
     -- Replaced by a follow-up meanwhile: not tried again after it, and withdrawn even at its last
     -- attempt — still among those the follow-up goes to, as it was while sending ('failed' is not).
     set state = case when exists (select 1 from alerts where id = $1 and ended_at is not null) then 'withdrawn'
                      when d.attempts >= $5 then 'failed'
                      else 'queued' end,
         error = ${errorAfter('$4')},
         lease_until = case when d.attempts >= $5 then null
                       else now() + make_interval(secs => $6 * power(2, d.attempts - 1)) end
     from unnest($2::uuid[], $3::int[]) as held(subscription_id, attempts)
     where ${STILL_HELD}`,
    [...heldValues(alertId, rows), code, options.maxAttempts, options.backoffSeconds],
  );
}

/** Failed for good; `gone` also retires the subscription (its contact erased), as push services ask. */
export async function markFailed(
  client: SqlExecutor,
  alertId: string,
  rows: HeldRows,
  code: string,
  gone: boolean,
): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `update deliveries d set state = 'failed', error = ${errorAfter('$4')}, lease_until = null
     from unnest($2::uuid[], $3::int[]) as held(subscription_id, attempts)
     where ${STILL_HELD}`,
    [...heldValues(alertId, rows), code],
  );
  if (gone) {
    // Whichever attempt heard it: the contact is gone.
    await client.query(
      `update subscriptions set status = 'expired', contact = '', pending = null where id = any($1::uuid[])`,
      [rows.map((row) => row.subscriptionId)],
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
