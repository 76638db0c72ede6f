import { createRequire } from 'node:module';
import { freePort } from './process.js';

const require = createRequire(import.meta.url);

interface PushApiModel {
  subscribe(options: { applicationServerKey: string; userVisibleOnly: string }): Promise<{
    endpoint: string;
    keys: { p256dh: string; auth: string };
    clientHash: string;
  }>;
  getNotifications(body: { clientHash: string }): { messages: string[] };
  expireSubscription(clientHash: string): void;
}

/**
 * `web-push-testing` on loopback: a real push service that checks the VAPID
 * signature (RFC 8292) and decrypts each payload (RFC 8291) as a browser would.
 */
export async function startPushService() {
  const { PushApiModel } = require('web-push-testing/src/PushApiModel.js') as {
    PushApiModel: new () => PushApiModel;
  };
  const Server = require('web-push-testing/src/server.js') as new (
    model: PushApiModel,
    port: number,
  ) => { startServer(): void; _server: import('node:http').Server };
  const model = new PushApiModel();
  const port = await freePort();
  const log = console.log;
  console.log = () => undefined; // it announces its port on stdout
  const server = new Server(model, port);
  server.startServer();
  await new Promise<void>((resolve) => server._server.once('listening', () => resolve()));
  console.log = log;
  return {
    url: `http://localhost:${port}`,
    /** A browser's push subscription for a server with this VAPID public key. */
    subscribe: (applicationServerKey: string) =>
      model.subscribe({ applicationServerKey, userVisibleOnly: 'true' }),
    /** The decrypted payloads this subscription received. */
    received: (clientHash: string) => model.getNotifications({ clientHash }).messages,
    /** The browser unsubscribed: the service now answers 410. */
    expire: (clientHash: string) => model.expireSubscription(clientHash),
    close: () => new Promise<void>((resolve) => server._server.close(() => resolve())),
  };
}
