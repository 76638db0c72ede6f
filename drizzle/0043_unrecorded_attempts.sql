-- Whom a follow-up (a cancel above all) reaches now rests on each delivery's error: an attempt
-- whose message may have arrived leaves one (a network failure after sending, an answer cut off,
-- 'sender_lost' when a row is taken from a sender whose lease ran out). Before, a row taken over
-- left no trace of the attempt it took over, and every row tried and not sent was counted by its
-- attempts. Rows tried before this version, backing off or withdrawn, keep being counted: they
-- are marked 'attempt_unrecorded' (channels/outcome.ts), unless their error already counts.
UPDATE "deliveries" SET "error" = 'attempt_unrecorded'
WHERE "state" IN ('queued', 'withdrawn') AND "attempts" > 0
  AND NOT coalesce(
    (left("error", 8) = 'network_'
      AND "error" NOT IN ('network_econnrefused', 'network_enotfound', 'network_eai_again',
                          'network_unprocessed', 'network_encryption_thread_lost'))
    OR "error" IN ('push_refused_too_large', 'sender_lost'),
    false);
