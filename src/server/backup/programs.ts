import { type ChildProcess, spawn } from 'node:child_process';
import { childEnvironment } from '../config.js';
import { BackupRefused } from './envelope.js';

/**
 * PostgreSQL's own programs, pg_dump and pg_restore, run with the database's
 * URL: its password goes in the environment (PGPASSWORD), not on the command
 * line that other users of the machine can read.
 */
export function connectionOf(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  return {
    dbname: parsed.toString(),
    env: childEnvironment(password ? { PGPASSWORD: password } : {}),
  };
}

/** Starts a PostgreSQL program, or says plainly that it is not installed here. */
export async function startProgram(
  program: 'pg_dump' | 'pg_restore',
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; finished: Promise<void> }> {
  const child = spawn(program, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 8000) stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new BackupRefused(
              `${program} is not installed here: a PostgreSQL database is backed up and restored with PostgreSQL's own client programs (e.g. \`apt install postgresql-client\`, the server's major version or newer). Nothing was written.`,
            )
          : error,
      ),
    );
  });
  const finished = new Promise<void>((resolve, reject) => {
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new BackupRefused(
            `${program} failed (${signal ?? `exit code ${code}`}): ${stderr.trim().split('\n').slice(-5).join(' ') || 'no message'}`,
          ),
        );
    });
  });
  // Read by whoever waits; an early rejection must not be unhandled meanwhile.
  finished.catch(() => undefined);
  return { child, finished };
}
