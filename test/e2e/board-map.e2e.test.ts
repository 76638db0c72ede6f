import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './accounts.js';
import { type E2e, expectAccessible, startE2e } from './harness.js';

/**
 * Issue 14, a street map without a tile server: the board's map reads the coalition's street
 * map from Faro itself (the demo's sketch here), by byte ranges through the pmtiles protocol,
 * labels the streets and the zones, and has a key that says what each mark means — in words, in
 * both themes and both languages. Without a street map, the map is the zones alone, with no error.
 */
let e2e: E2e;
beforeAll(async () => {
  e2e = await startE2e();
});
afterAll(async () => e2e?.stop());

interface Watched {
  page: Page;
  /** Status of each request for the archive, in order. */
  archive: number[];
  /** Errors the page logged or threw. */
  errors: string[];
}

async function board(options: BrowserContextOptions = {}): Promise<Watched> {
  const page = await (
    await e2e.browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 }, ...options })
  ).newPage();
  const watched: Watched = { page, archive: [], errors: [] };
  page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/api/basemap/archive') watched.archive.push(response.status());
  });
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(message.text());
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  return watched;
}

async function signedInBoard(options: BrowserContextOptions = {}, before?: (page: Page) => Promise<unknown>) {
  const watched = await board(options);
  await before?.(watched.page);
  await watched.page.goto(`${e2e.server.baseUrl}/dispatch`);
  await watched.page.waitForURL(/\/signin/);
  await signIn(watched.page, e2e.account('dispatcher'), !(options.locale ?? 'en').startsWith('es'));
  await watched.page.waitForURL(/\/dispatch$/);
  // What the map does is what counts: the sign-in's own "not signed in yet" answer (401) is expected.
  watched.errors.length = 0;
  await watched.page.locator('[data-testid="incident-map"][data-ready="true"]').waitFor({ timeout: 20_000 });
  return watched;
}

/**
 * Moves the map (through the map object the board hangs on its element) and, once it has drawn
 * everything, lists the texts of the rendered features of each named layer: what a person sees.
 */
function renderedTexts(page: Page, view: { center: [number, number]; zoom: number }, layers: string[]) {
  return page.evaluate<Record<string, string[]>>(`new Promise((resolve) => {
    const map = document.querySelector('[data-testid="incident-map"]').faroMap;
    map.once('idle', () => {
      const texts = {};
      for (const layer of ${JSON.stringify(layers)}) {
        const found = map.getLayer(layer) ? map.queryRenderedFeatures({ layers: [layer] }) : [];
        texts[layer] = [...new Set(found.map((f) => f.properties.ref || f.properties.name))].sort();
      }
      resolve(texts);
    });
    map.jumpTo(${JSON.stringify(view)});
  })`);
}

/** WCAG non-text contrast of each sample in the key against the key's background. */
const SWATCH_CONTRAST = `(() => {
  const parse = (c) => (c.match(/rgba?\\(([^)]+)\\)/)?.[1] ?? '0,0,0').split(/[\\s,/]+/).filter(Boolean).map(Number);
  const channel = (v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const ratio = (x, y) => { const [h, l] = [lum(x), lum(y)].sort((p, q) => q - p); return (h + 0.05) / (l + 0.05); };
  const legend = document.querySelector('[data-testid="map-legend"]');
  const behind = parse(getComputedStyle(legend).backgroundColor);
  return [...legend.querySelectorAll('.swatch')].map((swatch) => {
    const style = getComputedStyle(swatch);
    // A filled sample counts by its face; a hollow or gradient one by its edge or its drawn color.
    const face = parse(style.backgroundColor);
    const edge = parse(style.borderTopColor);
    const drawn = style.backgroundImage !== 'none' ? parse(style.backgroundImage) : null;
    const best = Math.max(
      face.length > 3 && face[3] === 0 ? 0 : ratio(face, behind),
      Number.parseFloat(style.borderTopWidth) >= 2 ? ratio(edge, behind) : 0,
      drawn ? ratio(drawn, behind) : 0,
    );
    return swatch.className + ' ' + best.toFixed(2);
  });
})()`;

describe('issue 14: the board’s street map', () => {
  it('reads the street map by ranges, labels streets, freeways and zones, and has a key in words', async () => {
    const { page, archive, errors } = await signedInBoard();
    expect(await page.getByTestId('incident-map').getAttribute('data-basemap')).toBe('demo');
    // The archive is read in pieces (206), never whole.
    expect(archive.length).toBeGreaterThan(0);
    expect(archive.every((status) => status === 206)).toBe(true);

    // Zoomed in on Boyle Heights, as a dispatcher placing a report: street names and the zone's name.
    const near = await renderedTexts(page, { center: [-118.212, 34.043], zoom: 14.5 }, ['street-labels']);
    expect(near['street-labels']).toEqual(expect.arrayContaining(['E 1st St', 'Soto St']));
    const zones = await renderedTexts(page, { center: [-118.209, 34.038], zoom: 12.5 }, ['zone-names']);
    expect(zones['zone-names']).toContain('Boyle Heights');
    // Wider: the freeways by number.
    const wide = await renderedTexts(page, { center: [-118.2, 34.04], zoom: 12 }, ['freeway-labels']);
    expect(wide['freeway-labels']).toEqual(expect.arrayContaining(['I-10']));

    // The key starts closed (the board is dense), opens on its summary, and stays open on this device.
    const legend = page.getByTestId('map-legend');
    await legend.getByText('Map key', { exact: true }).click();
    for (const words of [
      'Open, not yet verified',
      'Confirmed',
      'Not confirmed or closed',
      'Bigger circle: more reports',
      'Hollow circle: only the zone is known',
      'Thick ring: the incident you opened',
      'Zone outline, with its name',
      'Freeway',
      'Main street',
    ])
      await legend.getByText(words, { exact: true }).waitFor();
    expect(await page.getByTestId('map-source').textContent()).toBe(
      'Streets: a rough hand-drawn sketch for the demo, not survey data.',
    );
    const light = await page.evaluate<string[]>(SWATCH_CONTRAST);
    expect(light.filter((line) => Number(line.split(' ').at(-1)) < 3)).toEqual([]);
    await expectAccessible(page);
    await page.reload();
    await page.locator('[data-testid="incident-map"][data-ready="true"]').waitFor({ timeout: 20_000 });
    await legend.getByText('Freeway', { exact: true }).waitFor();

    // Dark, from the board's switch: the map and its key follow.
    await page.getByTestId('theme-switch').selectOption('dark');
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached' });
    const dark = await page.evaluate<string[]>(SWATCH_CONTRAST);
    expect(dark.filter((line) => Number(line.split(' ').at(-1)) < 3)).toEqual([]);
    expect(dark).not.toEqual(light);
    // The map is redrawn after the switch (an observer, then React's effect, then MapLibre's style diff):
    // wait for the dark background rather than reading it at once.
    const background = await page
      .waitForFunction(
        `(() => { const color = document.querySelector('[data-testid="incident-map"]').faroMap.getPaintProperty('background', 'background-color'); return color === 'rgb(15, 19, 24)' ? color : false; })()`,
        undefined,
        { timeout: 10_000 },
      )
      .then((handle) => handle.jsonValue())
      .catch(() =>
        page.evaluate<unknown>(
          `document.querySelector('[data-testid="incident-map"]').faroMap.getPaintProperty('background', 'background-color')`,
        ),
      );
    expect(background).toBe('rgb(15, 19, 24)');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says it in Spanish for a Spanish-speaking dispatcher', async () => {
    const { page } = await signedInBoard({ locale: 'es-US' });
    const legend = page.getByTestId('map-legend');
    await legend.getByText('Leyenda del mapa', { exact: true }).click();
    for (const words of ['Autopista', 'Calle principal', 'Círculo hueco: solo se sabe la zona'])
      await legend.getByText(words, { exact: true }).waitFor();
    expect(await page.getByTestId('map-source').textContent()).toMatch(/^Calles: un boceto aproximado/);
    await page.context().close();
  });

  it('without a street map, shows the zones with their names and asks for no archive, with no error', async () => {
    const { page, archive, errors } = await signedInBoard({}, (page) =>
      page.route('**/api/basemap', (route) =>
        route.fulfill({ status: 200, contentType: 'application/json', body: '{"basemap":null}' }),
      ),
    );
    expect(await page.getByTestId('incident-map').getAttribute('data-basemap')).toBe('none');
    const texts = await renderedTexts(page, { center: [-118.209, 34.038], zoom: 12.5 }, [
      'zone-names',
      'street-labels',
    ]);
    expect(texts['zone-names']).toContain('Boyle Heights');
    expect(texts['street-labels']).toEqual([]);
    expect(archive).toEqual([]);
    expect(await page.getByTestId('map-source').textContent()).toMatch(
      /^No street map yet: zone outlines only/,
    );
    expect(await page.getByTestId('map-legend').getByText('Freeway').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps the map out of the public pages: /report loads neither MapLibre nor the street map', async () => {
    const { page, archive } = await board();
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await page.goto(`${e2e.server.baseUrl}/report`);
    await page.getByRole('button').first().waitFor();
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((path) => /IncidentMap|map-style|maplibre|pmtiles/.test(path))).toEqual([]);
    expect(archive).toEqual([]);
    await page.context().close();
  });
});
