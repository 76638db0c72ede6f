/** The responder's state as the server gives it, refreshed by the live stream. */
export const RESPONDER_KEY = ['responder'];

/** An action to send: kept and sent again by itself while the phone has no connection. */
export type Pending = { path: string; method: 'POST' | 'PUT' | 'DELETE'; body?: unknown };

/** Sends an action; true once the server took it. */
export type Send = (action: Pending) => Promise<boolean>;
