import type { Browser, BrowserContext, BrowserContextOptions, CDPSession, Page } from 'playwright-core';
import type { startPushService } from '../support/push-service.js';

type PushService = Awaited<ReturnType<typeof startPushService>>;

/** Polls `read` until it gives a value (a message that arrives by itself elsewhere). */
export async function until<T>(read: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface PushBrowser {
  context: BrowserContext;
  page: Page;
  /** web-push-testing's id of this browser's subscription, once the page subscribed. */
  clientHash: () => string;
  /**
   * Hands a message that arrived at the push service to Faro's service worker,
   * as the browser would, until the worker has shown it as a notification whose
   * title matches (or is `title`); gives the titles on show. A push service
   * delivers at least once and Faro's notifications carry a tag, so a repeat
   * replaces rather than adds; a handover the browser dropped (seen once in CI:
   * the push never reached the worker) is tried again.
   */
  deliverUntilShown: (data: string, title: RegExp | string, timeoutMs?: number) => Promise<string[]>;
}

/**
 * A browser context whose pages can subscribe to Web Push. Headless Chromium
 * has no push service of its own here, so PushManager.subscribe is pointed at
 * the local one (web-push-testing); what arrives there is handed to Faro's
 * service worker as a push event over the DevTools protocol.
 */
export async function pushBrowser(
  browser: Browser,
  push: PushService,
  baseUrl: string,
  options: BrowserContextOptions,
): Promise<PushBrowser> {
  const context = await browser.newContext(options);
  await context.grantPermissions(['notifications'], { origin: baseUrl });
  let clientHash = '';
  await context.exposeBinding('faroLocalPushSubscribe', async (_source, key: string) => {
    const subscription = await push.subscribe(key);
    clientHash = subscription.clientHash;
    return { endpoint: subscription.endpoint, keys: subscription.keys };
  });
  // A string: it runs in the page, which this file's types do not describe.
  await context.addInitScript({
    content: `
      PushManager.prototype.subscribe = async function subscribe(options) {
        const bytes = new Uint8Array(options.applicationServerKey);
        const key = btoa(String.fromCharCode(...bytes)).replace(/[+]/g, '-').replace(/[/]/g, '_').replace(/=+$/, '');
        const json = await window.faroLocalPushSubscribe(key);
        return { ...json, toJSON: () => json };
      };`,
  });
  const page = await context.newPage();
  const cdp: CDPSession = await context.newCDPSession(page);
  const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
  const versions: { registrationId: string; status: string }[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (event) => registrations.push(...event.registrations));
  cdp.on('ServiceWorker.workerVersionUpdated', (event) => versions.push(...event.versions));
  await cdp.send('ServiceWorker.enable');
  async function deliver(data: string) {
    const registration = await until(
      // The latest word on the page's registration (an earlier one may have been replaced),
      // once its worker is activated: one still activating is not handed push events.
      () =>
        registrations.findLast(
          (r) =>
            r.scopeURL.startsWith(baseUrl) &&
            !r.isDeleted &&
            versions.some((v) => v.registrationId === r.registrationId && v.status === 'activated'),
        ),
      'the service worker',
    );
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: new URL(baseUrl).origin,
      registrationId: registration.registrationId,
      data,
    });
  }
  async function shown(): Promise<string[]> {
    // A string: it runs in the page, which this file's types do not describe.
    return page.evaluate<string[]>(
      'navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((l) => l.map((n) => n.title))',
    );
  }
  return {
    context,
    page,
    clientHash: () => clientHash,
    async deliverUntilShown(data, title, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (let attempt = 1; ; attempt++) {
        const handed = Date.now();
        await deliver(data);
        const tryUntil = Math.min(deadline, handed + 2_500);
        while (Date.now() < tryUntil) {
          const titles = await shown();
          if (titles.some((t) => (typeof title === 'string' ? t === title : title.test(t)))) {
            // Said when it took more than one handover, to tell a dropped push from a slow one.
            if (attempt > 1)
              console.warn(
                `notification ${title} shown after ${attempt} handovers, ${Date.now() - handed} ms after the last`,
              );
            return titles;
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        if (Date.now() >= deadline) {
          throw new Error(`no notification matching ${title} after ${attempt} deliveries: ${await shown()}`);
        }
      }
    },
  };
}
