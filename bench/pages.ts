import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/e2e/browser.js';
import { spawnServer } from '../test/support/process.js';
import { percentile } from './dispatch.js';

/**
 * Public pages on a cheap phone: Chromium over the DevTools protocol with
 * DevTools' "Slow 4G" (562.5 ms latency, 1.44 Mbit/s down) and a 4× slower
 * CPU, a cold cache each load, against a real `faro start` with demo data.
 * Per page: JavaScript bytes as sent (gzipped when the server compresses),
 * all bytes, requests, first contentful paint and the moment the page can be
 * used (its form's button, or the alerts, are in the page and painted) — medians of a few
 * loads.
 */

export interface PagesBenchOptions {
  runs: number;
  chromiumPath: string;
}

/** DevTools' "Slow 4G" preset (the 3.75× latency and 0.9× throughput factors are DevTools'). */
const SLOW_4G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
};
const CPU_SLOWDOWN = 4;

/** Each page and what on it means "a person can use it now". */
const PAGES: readonly { path: string; usable: string }[] = [
  { path: '/report', usable: 'main form button[type=submit]' },
  { path: '/alerts', usable: '[data-testid=no-alerts], [data-testid=public-alert]' },
  { path: '/subscribe', usable: 'main form button[type=submit]' },
  { path: '/', usable: 'main a[href="/report"]' },
];

interface Load {
  jsBytes: number;
  allBytes: number;
  requests: number;
  firstPaint: number;
  usable: number;
}

/**
 * Records, from the first byte of the document, when `selector` first matches
 * a visible element. A string, not a function: tsx's name-keeping helpers do
 * not exist in the page.
 */
const watchUsable = (selector: string) => `(() => {
  const check = () => {
    if (window.__usableAt !== undefined) return;
    const found = document.querySelector(${JSON.stringify(selector)});
    if (found && found.offsetParent !== null) window.__usableAt = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
  document.addEventListener('DOMContentLoaded', check);
})();`;

async function loadOnce(browser: Browser, baseUrl: string, page: (typeof PAGES)[number]): Promise<Load> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'es-US',
    serviceWorkers: 'block',
  });
  try {
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    const types = new Map<string, string>();
    let jsBytes = 0;
    let allBytes = 0;
    let requests = 0;
    cdp.on('Network.requestWillBeSent', (event) => {
      if (!event.request.url.startsWith('data:')) requests++;
    });
    cdp.on('Network.responseReceived', (event) => types.set(event.requestId, event.type));
    cdp.on('Network.loadingFinished', (event) => {
      allBytes += event.encodedDataLength;
      if (types.get(event.requestId) === 'Script') jsBytes += event.encodedDataLength;
    });
    await tab.addInitScript(watchUsable(page.usable));
    await tab.goto(`${baseUrl}${page.path}`, { waitUntil: 'load', timeout: 120_000 });
    await tab.waitForFunction(() => (globalThis as { __usableAt?: number }).__usableAt !== undefined, null, {
      timeout: 120_000,
    });
    // Late requests (a lazily loaded chunk, the zones) still count.
    await tab.waitForLoadState('networkidle', { timeout: 120_000 });
    const timing = await tab.evaluate(() => ({
      firstPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
      usable: (globalThis as { __usableAt?: number }).__usableAt ?? Number.NaN,
    }));
    // Usable once it is both there and painted: a form in the page but not yet on screen is not one.
    return {
      jsBytes,
      allBytes,
      requests,
      firstPaint: timing.firstPaint,
      usable: Math.max(timing.usable, timing.firstPaint),
    };
  } finally {
    await context.close();
  }
}

export async function pagesBench(options: PagesBenchOptions): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'faro-bench-pages-'));
  const server = await spawnServer(
    {
      FARO_DEMO: 'true',
      LOG_LEVEL: 'warn',
      FARO_DATA_DIR: dataDir,
      WEB_DIST_DIR: path.resolve('dist/web'),
      // As served to the public: the form solves its proof of work.
      REPORT_PROOF_OF_WORK: 'true',
    },
    { args: ['bin/faro.js', 'start'] },
  );
  const browser = await launchChromium(options.chromiumPath);
  const table: Record<string, string | number>[] = [];
  try {
    for (const page of PAGES) {
      await loadOnce(browser, server.baseUrl, page); // warms the server's caches
      const loads: Load[] = [];
      for (let i = 0; i < options.runs; i++) loads.push(await loadOnce(browser, server.baseUrl, page));
      const median = (key: keyof Load) =>
        percentile(
          loads.map((l) => l[key]).sort((a, b) => a - b),
          50,
        );
      table.push({
        page: page.path,
        'JS KB (as sent)': +(median('jsBytes') / 1024).toFixed(1),
        'all KB (as sent)': +(median('allBytes') / 1024).toFixed(1),
        requests: median('requests'),
        'first paint ms': Math.round(median('firstPaint')),
        'usable ms': Math.round(median('usable')),
      });
    }
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await server.exited;
    await rm(dataDir, { recursive: true, force: true });
  }
  console.log(
    `Public pages at 360×640, ${SLOW_4G.latency} ms latency, ${Math.round((SLOW_4G.downloadThroughput * 8) / 1000)} kbit/s down, CPU ${CPU_SLOWDOWN}× slower, cold cache; medians of ${options.runs} loads`,
  );
  console.table(table);
}
