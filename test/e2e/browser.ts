import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's Chromium, headless, with no network chatter of its own (the
 * machine has no internet). Playwright gives every launch a fresh, empty
 * profile directory, so no `--user-data-dir` is passed.
 */
export async function launchChromium(executablePath = '/usr/bin/chromium'): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // A fake microphone that needs no permission prompt: voice notes are recorded for real.
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  });
}
