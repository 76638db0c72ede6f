import type { FastifyInstance } from 'fastify';
import type { WebPages } from '../http/pages.js';
import type { AnyJob } from '../jobs/queue.js';
import type { LiveStreams } from '../realtime/live-stream.js';

/** What the HTTP layer lends every module's routes. */
export interface HttpKit {
  /** Long-lived streams: heartbeat, tied to the session, ended on shutdown. */
  streams: LiveStreams;
  /** The web app's pages, for a module that serves one with its data (rendered on the server). */
  pages: WebPages;
}

/**
 * What a module hands the runtime besides its services: its routes, its jobs,
 * and what it does when a worker starts or stops. `runtime.ts` composes the
 * modules in dependency order; none refers to one created after it.
 */
export interface FaroModule {
  /** Registers this module's routes (each declares its access rule). */
  routes?(app: FastifyInstance, http: HttpKit): void;
  /** Its jobs, with their handlers. */
  jobs?: AnyJob[];
  /** In a worker, once the queue runs: takes up what a stopped or crashed worker left. */
  resume?(): Promise<void>;
  /** Reads this module's gauges from the database, when /metrics is scraped (cheap, grouped counts). */
  measure?(): Promise<void>;
  /** After the job workers have stopped, before the database closes. */
  stop?(): Promise<void>;
}
