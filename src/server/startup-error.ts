// Apart from config.ts (zod) so the CLI can tell an operator's mistake without loading the configuration.

/** A problem the operator must fix before Faro can start, said in one sentence (no stack trace). */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
