/*
 * Faro's service worker: keeps the public pages (the report form, the alerts,
 * the receipt) usable offline and wakes the report form's outbox when the
 * connection returns; shows alerts that arrive by Web Push (the browser has
 * decrypted them), and answers a subscription's confirmation push by
 * confirming it — the double opt-in of the push channel.
 */

// v2: v1 may hold a /status page with a receipt code in it (kept before pages said no-store); it is deleted.
const PAGES = 'faro-pages-v2';
const ASSETS = 'faro-assets-v1';
/** The pages a person may need without a connection: the last copy seen is shown when the network fails. */
const OFFLINE_PAGES = ['/', '/report', '/alerts', '/status', '/rights', '/rights/megaphone'];
/**
 * Megaphone mode's tone and the rights library's recordings ("read to me" too): the tone kept at
 * install, each recording once played, by its address (it names its version).
 */
const CLIPS = 'faro-clips-v1';
/** Reports waiting on a phone (src/web/pages/report/kept.ts). */
const OUTBOX_SYNC = 'faro-outbox';

self.addEventListener('install', (event) => {
  // The report form first: if the connection drops right after, it still opens.
  event.waitUntil(
    caches
      .open(PAGES)
      .then((cache) => cache.add('/report'))
      // Megaphone mode's attention tone: kept from the start, so the page sounds it offline.
      .then(() => caches.open(CLIPS))
      .then((cache) => cache.add('/rights/tone.wav'))
      .catch(() => undefined)
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => ![PAGES, ASSETS, CLIPS].includes(name)).map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

/** The network first (a page is always as new as it can be), the last copy when there is none. */
async function networkFirst(request, cacheName, key) {
  try {
    const response = await fetch(request);
    // A page the server says not to store (a form's answer, a receipt code in the address) is not kept either.
    if (response.ok && !/no-store/i.test(response.headers.get('cache-control') || '')) {
      const cache = await caches.open(cacheName);
      await cache.put(key ?? request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(key ?? request, { ignoreSearch: cacheName === PAGES });
    if (cached) return cached;
    // Any public page is better than the browser's offline dinosaur: the report form.
    const form = cacheName === PAGES ? await caches.match('/report') : undefined;
    if (form) return form;
    throw error;
  }
}

/** Built assets never change under their name: the copy kept is the asset. */
async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(ASSETS);
    await cache.put(request, response.clone());
  }
  return response;
}

/**
 * A recording: the copy kept if there is one, else the whole file from the network (a media
 * player asks for ranges; the whole file, kept, answers any of them), kept for offline.
 */
async function clip(url) {
  const cache = await caches.open(CLIPS);
  const cached = await cache.match(url);
  if (cached) return cached;
  const response = await fetch(url, { credentials: 'same-origin' });
  if (response.status === 200) await cache.put(url, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && OFFLINE_PAGES.includes(url.pathname)) {
    // One copy per page: a neighborhood chosen in the address still finds the page offline.
    event.respondWith(networkFirst(request, PAGES, url.pathname));
    return;
  }
  if (
    url.pathname.startsWith('/assets/') ||
    url.pathname === '/favicon.svg' ||
    url.pathname === '/manifest.webmanifest'
  ) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (url.pathname.startsWith('/rights/clips/') || url.pathname === '/rights/tone.wav') {
    event.respondWith(clip(url.href));
    return;
  }
  if (url.pathname === '/api/zones') event.respondWith(networkFirst(request, PAGES));
});

/** A page tells which assets it runs on (the language file it loaded included), to keep them for offline. */
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'faro-keep-assets' && Array.isArray(data.urls)) {
    const own = data.urls.filter((url) => new URL(url, self.location.origin).origin === self.location.origin);
    event.waitUntil(
      caches
        .open(ASSETS)
        .then((cache) => Promise.all(own.map((url) => cache.add(url).catch(() => undefined)))),
    );
  }
});

/** The connection is back: the open report pages send what waits (they solve the proof of work). */
self.addEventListener('sync', (event) => {
  if (event.tag !== OUTBOX_SYNC) return;
  event.waitUntil(
    self.clients.matchAll({ type: 'window' }).then((windows) => {
      for (const client of windows) client.postMessage({ type: OUTBOX_SYNC });
    }),
  );
});

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    return;
  }
  if (data.type === 'confirm') {
    event.waitUntil(
      fetch('/api/subscriptions/confirm', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: data.token }),
      }).then(() =>
        self.registration.showNotification(data.title, { tag: 'faro-confirm', data: { url: '/alerts' } }),
      ),
    );
    return;
  }
  event.waitUntil(
    Promise.all([
      self.registration.showNotification(data.title, {
        body: data.body,
        tag: data.tag,
        renotify: true,
        data: { url: data.url || '/alerts' },
      }),
      // An open Faro page shows it at once too.
      self.clients.matchAll({ type: 'window' }).then((windows) => {
        for (const client of windows) client.postMessage({ type: 'faro-alert', alert: data });
      }),
    ]),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow(event.notification.data?.url || '/alerts'));
});
