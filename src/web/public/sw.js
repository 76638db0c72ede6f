/*
 * Faro's service worker: shows alerts that arrive by Web Push (the browser
 * has decrypted them), and answers a subscription's confirmation push by
 * confirming it — the double opt-in of the push channel.
 */
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
