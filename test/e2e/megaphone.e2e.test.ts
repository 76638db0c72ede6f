import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './accounts.js';
import { type E2e, expectAccessible, startE2e } from './harness.js';

/**
 * Issue 17, megaphone mode on a phone: an admin uploads a member's recording of the card in
 * Spanish and reviews it; on a phone the page sounds the attention tone, then the recording (a
 * media element playing, with Chromium's fake audio output), round after round, the screen kept
 * on (wake lock asked for), until Stop stops it all and lets the screen go. Visited once, it opens
 * (and plays the recording it played) offline. Without scripts it shows the words to read out loud.
 * The phone's own voice may or may not exist in a headless browser: the page says which, and
 * nothing here depends on it.
 */
let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e({});
});
afterAll(async () => e2e?.stop());

/** A WAV file of a tone: the recording an admin uploads (what it says does not matter to the browser). */
function wav(seconds: number): Buffer {
  const rate = 8000;
  const count = Math.round(rate * seconds);
  const bytes = Buffer.alloc(44 + count);
  bytes.write('RIFF', 0, 'latin1');
  bytes.writeUInt32LE(36 + count, 4);
  bytes.write('WAVEfmt ', 8, 'latin1');
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(1, 20);
  bytes.writeUInt16LE(1, 22);
  bytes.writeUInt32LE(rate, 24);
  bytes.writeUInt32LE(rate, 28);
  bytes.writeUInt16LE(1, 32);
  bytes.writeUInt16LE(8, 34);
  bytes.write('data', 36, 'latin1');
  bytes.writeUInt32LE(count, 40);
  for (let i = 0; i < count; i++)
    bytes[44 + i] = Math.round(128 + 90 * Math.sin((2 * Math.PI * 330 * i) / rate));
  return bytes;
}

/** Counts the page's wake lock requests and releases (the browser's own lock when it gives one, else a stand-in). */
const WAKE_LOCK_SPY = `(() => {
  const wake = { requests: 0, releases: 0, types: [] };
  window.__wake = wake;
  const real = navigator.wakeLock;
  const counted = (lock) => {
    const release = lock.release.bind(lock);
    lock.release = () => { wake.releases++; return release(); };
    return lock;
  };
  const standIn = () => ({ released: false, type: 'screen', release() { this.released = true; return Promise.resolve(); }, addEventListener() {}, removeEventListener() {} });
  Object.defineProperty(navigator, 'wakeLock', {
    configurable: true,
    value: {
      async request(type) {
        wake.requests++;
        wake.types.push(type);
        try { return counted(await real.request(type)); } catch { return counted(standIn()); }
      },
    },
  });
})()`;

const phone = async (
  options: { javaScriptEnabled?: boolean; locale?: string } = {},
): Promise<BrowserContext> => {
  const context = await e2e.browser.newContext({
    locale: options.locale ?? 'es-MX',
    viewport: { width: 360, height: 640 },
    isMobile: true,
    hasTouch: true,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  await context.addInitScript(WAKE_LOCK_SPY);
  return context;
};

interface Sound {
  paused: boolean;
  time: number;
  src: string;
  volume: number;
  round: number;
  running: string;
}
const sound = (page: Page) =>
  page.evaluate<Sound>(`(() => {
    const audio = document.querySelector('[data-testid="megaphone-audio"]');
    const section = document.querySelector('[data-testid="megaphone-page"]');
    return {
      paused: audio.paused,
      time: audio.currentTime,
      src: audio.currentSrc || audio.src,
      volume: audio.volume,
      round: Number(section.dataset.round),
      running: section.dataset.running,
    };
  })()`);
const wake = (page: Page) =>
  page.evaluate<{ requests: number; releases: number; types: string[] }>('window.__wake');

/** Starts megaphone mode in Spanish only (the recording), and waits for the recording to be heard. */
async function startSpanish(page: Page) {
  const spanish = page.getByRole('checkbox', { name: 'Español' });
  await spanish.waitFor();
  await expect.poll(() => spanish.isChecked()).toBe(true);
  await page.getByRole('button', { name: 'Empezar' }).click();
  // The attention tone first.
  await expect
    .poll(
      async () => {
        const now = await sound(page);
        return now.src.endsWith('/rights/tone.wav') && !now.paused && now.time > 0;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  await expect
    .poll(
      async () => {
        const now = await sound(page);
        return now.src.includes('/rights/clips/') && !now.paused && now.time > 0;
      },
      { timeout: 20_000 },
    )
    .toBe(true);
}

describe('megaphone mode', () => {
  it('plays the tone and the reviewed recording, in a loop, the screen kept on, until Stop', async () => {
    // An admin uploads a member's recording of the card in Spanish, and reviews it.
    const adminContext = await e2e.browser.newContext({ locale: 'en-US' });
    const admin = await adminContext.newPage();
    await admin.goto(`${e2e.server.baseUrl}/admin?section=rights`);
    await admin.waitForURL(/\/signin/);
    await signIn(admin, e2e.account('coalition_admin'));
    await admin.waitForURL(/\/admin/);
    await admin.getByRole('button', { name: 'Know your rights', exact: true }).click();
    await admin.getByTestId('rights-clips').waitFor();
    await expect
      .poll(() => admin.getByTestId('rights-clip-published').textContent())
      .toContain('No recording');
    await admin
      .getByLabel('Recording to upload')
      .setInputFiles({ name: 'tarjeta-es.wav', mimeType: 'audio/wav', buffer: wav(4) });
    await admin.getByRole('button', { name: 'Upload the recording' }).click();
    await admin.getByText('Uploaded. It is a draft until it is reviewed.').waitFor();
    await expectAccessible(admin);
    await admin.getByRole('button', { name: 'Mark recording 1 reviewed' }).click();
    await admin.getByText('The public pages play recording 1.').waitFor();
    await adminContext.close();

    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/rights/megaphone`);
    await page.getByRole('heading', { name: 'Modo megáfono', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('megaphone-way-es').getAttribute('data-way')).toBe('recorded');
    // English has no recording: the phone's voice (said so) where the phone has one, else skipped (said so).
    await page.getByRole('checkbox', { name: 'English' }).check();
    const english = page.getByTestId('megaphone-way-en');
    await english.waitFor();
    expect([
      'La voz del teléfono: aún no hay grabación en este idioma.',
      'No hay grabación ni voz para este idioma en este teléfono: se omite.',
    ]).toContain(await english.textContent());
    await page.getByRole('checkbox', { name: 'English' }).uncheck();
    await expectAccessible(page);

    await startSpanish(page);
    const playing = await sound(page);
    expect(playing.volume).toBe(1);
    expect(playing.running).toBe('true');
    expect(await wake(page)).toMatchObject({ requests: 1, types: ['screen'] });
    await page.getByRole('button', { name: 'Detener' }).waitFor();
    await expectAccessible(page);

    // Round after round: the tone again, then the recording again.
    await expect.poll(async () => (await sound(page)).round, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await expect
      .poll(
        async () => {
          const now = await sound(page);
          return now.src.endsWith('/rights/tone.wav') && !now.paused && now.time > 0;
        },
        { timeout: 15_000 },
      )
      .toBe(true);

    await page.getByRole('button', { name: 'Detener' }).click();
    const stopped = await sound(page);
    expect(stopped).toMatchObject({ paused: true, running: 'false' });
    expect((await wake(page)).releases).toBe(1);
    await page.getByText('Detenido.').waitFor();
    // Nothing plays on after Stop.
    await page.waitForTimeout(3_000);
    const later = await sound(page);
    expect(later).toMatchObject({ paused: true, round: stopped.round });
    await context.close();
  });

  it('opens offline once visited, and plays the recording it played', async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/rights/megaphone?lang=es`);
    await page.getByRole('heading', { name: 'Modo megáfono', level: 1 }).waitFor();
    await expect
      .poll(() => page.evaluate<boolean>('navigator.serviceWorker.controller !== null'), { timeout: 15_000 })
      .toBe(true);
    // Opened again while the service worker runs it: the page and the recording it plays are kept.
    await page.reload();
    await page.getByRole('heading', { name: 'Modo megáfono', level: 1 }).waitFor();
    await startSpanish(page);
    await page.getByRole('button', { name: 'Detener' }).click();

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Modo megáfono', level: 1 }).waitFor();
    await startSpanish(page);
    await page.getByRole('button', { name: 'Detener' }).click();
    await context.close();
  });

  it('shows the words to read out loud without scripts, in the language chosen, right to left in Arabic', async () => {
    const context = await phone({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/rights/megaphone?lang=es`);
    await page.getByRole('heading', { name: 'Lea esto en voz alta' }).waitFor();
    await page.getByText('Estoy ejerciendo mi derecho a guardar silencio.').waitFor();
    // Nothing that needs scripts is offered.
    expect(await page.getByRole('button', { name: 'Empezar' }).count()).toBe(0);
    await page.getByRole('link', { name: 'العربية' }).click();
    await page.getByRole('heading', { name: 'وضع مكبّر الصوت', level: 1 }).waitFor();
    expect(await page.evaluate<string>('document.documentElement.dir')).toBe('rtl');
    await context.close();
  });

  it('reads an item of /rights aloud: "read to me" where the phone can, said so where it cannot', async () => {
    const context = await phone();
    const page = await context.newPage();
    await page.goto(`${e2e.server.baseUrl}/rights?lang=es`);
    await page.getByRole('heading', { name: 'Conozca sus derechos', level: 1 }).waitFor();
    // The card has a reviewed recording in Spanish: its button reads it, and becomes "Dejar de leer".
    const card = page.getByTestId('rights-card');
    await card.getByRole('button', { name: 'Léamelo' }).click();
    await card.getByRole('button', { name: 'Dejar de leer' }).waitFor();
    await card.getByRole('button', { name: 'Dejar de leer' }).click();
    await card.getByRole('button', { name: 'Léamelo' }).waitFor();
    // The other items: the phone's voice (said so), or a note that this phone has none.
    const door = page.getByTestId('rights-item').first();
    const read = door.getByTestId('rights-read');
    const none = door.getByTestId('rights-no-voice');
    await expect.poll(async () => (await read.count()) + (await none.count())).toBe(1);
    if ((await read.count()) > 0)
      await door.getByText('Lo lee la voz del teléfono (aún no hay grabación).').waitFor();
    else
      expect(await none.textContent()).toBe(
        'Este teléfono no tiene voz para este idioma y aún no hay grabación.',
      );
    await page.getByRole('link', { name: 'Modo megáfono: diga sus derechos en voz alta' }).waitFor();
    await expectAccessible(page);
    await context.close();
  });
});
