import type { Permission } from '../../shared/permissions.js';
import type { SessionContext, SessionService } from '../modules/access/sessions.service.js';
import type { DomainEvent } from './events.js';

/**
 * Keeps a live stream (the board's, a responder's) tied to the session that
 * opened it (issue 12 item 2). The stream ends when the session no longer
 * allows it: signed out, disabled, expired (idle or absolute), or its roles
 * changed. Two ways to notice, both per connection and read from the
 * database, so it holds across processes:
 * - at once: sign-out, disabling, a role change and a password change announce
 *   `access.changed` for the person; until the check it triggers has answered,
 *   the stream holds back what it would send;
 * - every `intervalMs` (at most 30 s), for what nobody announces: expiry.
 * A failed check (the database unreachable) ends the stream too: the browser
 * reconnects and replays from Last-Event-ID.
 */
export interface SessionWatch {
  /** Sends now, holds while an announced change is being checked, or drops once ended. */
  deliver(send: () => void): void;
  /** Stops watching (the stream closed). */
  stop(): void;
}

export function watchSession(deps: {
  sessions: Pick<SessionService, 'check'>;
  tap: (listener: (event: DomainEvent) => void) => () => void;
  session: SessionContext;
  permission: Permission;
  intervalMs: number;
  /** Closes the stream. */
  end: () => void;
  onError: (error: unknown) => void;
}): SessionWatch {
  const { session } = deps;
  const granted = [...session.permissions].sort().join(' ');
  let ended = false;
  let held: (() => void)[] | null = null;
  let checking: Promise<void> | null = null;
  let again = false;

  const allowed = async () => {
    const current = await deps.sessions.check(session.tokenHash);
    return (
      current !== null &&
      current.state === 'signed_in' &&
      current.permissions.includes(deps.permission) &&
      // Any change of rights ends the stream; the browser reconnects with what it has now.
      [...current.permissions].sort().join(' ') === granted
    );
  };

  const finish = () => {
    if (ended) return;
    ended = true;
    held = null;
    clearInterval(timer);
    untap();
    deps.end();
  };

  const run = () => {
    checking = allowed()
      .then((ok) => {
        checking = null;
        if (!ok) return finish();
        // A change announced while this check was already reading: read again.
        if (again) {
          again = false;
          return run();
        }
        const waiting = held;
        held = null;
        for (const send of waiting ?? []) send();
      })
      .catch((error: unknown) => {
        checking = null;
        deps.onError(error);
        finish();
      });
  };

  const check = (announced: boolean) => {
    if (ended) return;
    if (announced) held ??= [];
    if (!checking) run();
    else if (announced) again = true;
  };

  const timer = setInterval(() => check(false), deps.intervalMs);
  timer.unref();
  const untap = deps.tap((event) => {
    if (event.type === 'access.changed' && event.subjectId === session.userId) check(true);
  });

  return {
    deliver(send) {
      if (ended) return;
      if (held) held.push(send);
      else send();
    },
    stop() {
      ended = true;
      held = null;
      clearInterval(timer);
      untap();
    },
  };
}
