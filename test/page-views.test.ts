import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_PAGE_ID, type ServerPage } from '../src/shared/pages.js';
import { startTestFaro, type TestFaro } from './support/faro.js';

/**
 * The public pages cost the server a render each: a flood of page views from
 * one address is limited, and many phones opening the same page at once
 * (a raid, a rumor at a school) cost one render every few seconds, not one each.
 */
let t: TestFaro;
beforeAll(async () => {
  if (!existsSync(path.resolve('dist/ssr/ssr.js')))
    throw new Error('run `npm run build` first: dist/ssr is missing');
  t = await startTestFaro({ env: { WEB_DIST_DIR: path.resolve('dist/web'), PAGE_VIEWS_PER_MINUTE: '12' } });
});
afterAll(async () => t?.stop());

function pageOf(html: string): ServerPage {
  const match = new RegExp(`<script type="application/json" id="${SERVER_PAGE_ID}">(.*?)</script>`).exec(
    html,
  );
  if (!match?.[1]) throw new Error('no server page block');
  return JSON.parse(match[1]) as ServerPage;
}

let address = 10;
const from = () => `198.51.100.${address++}`;
const view = (url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
  t.faro.app.inject({ url, remoteAddress, headers: { accept: 'text/html', ...headers } });

describe('public pages under load', () => {
  it('sends the same page again, made from the same data, instead of rendering it for each phone', async () => {
    const first = await view('/report', from());
    const second = await view('/report', from());
    expect(first.statusCode).toBe(200);
    // The same page but for the form's send key, which is each page's own (pages.ts).
    const key = /name="sendKey" value="([^"]*)"/;
    const keyless = (html: string) => html.replace(key, 'name="sendKey"');
    expect(keyless(second.body)).toBe(keyless(first.body));
    expect(key.exec(second.body)?.[1]).not.toBe(key.exec(first.body)?.[1]);
    expect(pageOf(second.body).renderedAt).toBe(pageOf(first.body).renderedAt);
    // Another language is another page.
    const spanish = await view('/report', from(), { 'accept-language': 'es' });
    expect(pageOf(spanish.body).language).toBe('es');
    expect(spanish.body).toContain('lang="es"');
  });

  it('makes one "not found" page for every address nobody has', async () => {
    const one = await view('/no-such-page-1', from());
    const two = await view('/no-such-page-2?x=1', from());
    expect(one.statusCode).toBe(404);
    expect(two.statusCode).toBe(404);
    expect(pageOf(two.body).renderedAt).toBe(pageOf(one.body).renderedAt);
  });

  it('limits views of a page from one address, and not the next address', async () => {
    const flooder = from();
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push((await view('/report', flooder)).statusCode);
    expect(answers.filter((status) => status === 200)).toHaveLength(12);
    expect(answers.filter((status) => status === 429)).toHaveLength(8);
    expect((await view('/report', from())).statusCode).toBe(200);
  });
});
