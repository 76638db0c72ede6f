// Whether an error means the database could not be reached; no driver is loaded here (the CLI's error handler uses it).

/** Error codes of a database that cannot be reached just now: network errors, SQLSTATE 08xxx, shutdowns. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01', // admin_shutdown: the server is stopping or restarting
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, or in recovery
  '53300', // too_many_connections
]);
/**
 * What node-postgres and its pool say, without a code, when a connection is lost or cannot be made —
 * or stopped answering a statement within its deadline (`Query read timeout`, database.ts
 * HOT_STATEMENT_DEADLINE_MS; `Transaction deadline passed`, a hot transaction's), or a connection was not made within its own (`timeout expired`,
 * CONNECT_DEADLINE_MS).
 */
const UNREACHABLE_MESSAGES =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Cannot use a pool after calling end|Query read timeout|Transaction deadline passed|timeout expired$|the database system is (starting up|shutting down|in recovery mode))/;

/**
 * Whether an error means the database could not be reached (a restart, a
 * failover, the network) rather than that the query was wrong: the request
 * may succeed if sent again in a moment. Looks through wrappers (Drizzle's
 * query error, AggregateError of a connection attempt to several addresses).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof message === 'string' && UNREACHABLE_MESSAGES.test(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}
