import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectStatus } from '../support/client.js';
import { startTestFaro, type TestFaro } from '../support/faro.js';
import { type StaffSession, staffSession } from '../support/sessions.js';
import { launchChromium } from './browser.js';
import { expectAccessible } from './harness.js';

/**
 * Issue 16, a case's documents on a phone in Spanish: the legal team picks a PDF (a Notice to
 * Appear), gives it a title, sees it listed with its size and hash, downloads it byte for byte, and
 * deletes a photo uploaded by mistake with a reason. A file that is no document is refused in words.
 */
let t: TestFaro;
let browser: Browser;
let legal: StaffSession;

beforeAll(async () => {
  t = await startTestFaro({ listen: true, env: { WEB_DIST_DIR: path.resolve('dist/web') } });
  browser = await launchChromium();
  legal = await staffSession(t.faro.database, 'legal');
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('a case’s documents', () => {
  it('uploads a PDF with progress, lists it, downloads it whole, refuses a non-document, deletes with a reason (Spanish phone)', async () => {
    const opened = await client(t, legal).post('/api/cases', {
      source: 'call',
      person: { name: 'Marta Documentos' },
      consent: { givenBy: 'Su hija', method: 'phone' },
    });
    const caseId = expectStatus(opened, 201).body.id as string;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(400_000)]);

    const context = await browser.newContext({
      locale: 'es-US',
      viewport: { width: 360, height: 640 },
      acceptDownloads: true,
    });
    await context.addCookies([{ name: 'faro_session', value: legal.token, url: t.baseUrl }]);
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/cases?lang=es&case=${caseId}`);
    const documents = page.getByTestId('case-documents');
    await documents.getByRole('heading', { name: 'Documentos' }).waitFor();
    await documents.getByText('Todavía no hay documentos.').waitFor();

    const form = documents.getByTestId('document-form');
    await form
      .getByLabel('Archivo (PDF o foto)')
      .setInputFiles({ name: 'nta.pdf', mimeType: 'application/pdf', buffer: pdf });
    await form.getByLabel('Título').fill('Notificación de Comparecencia');
    await form.getByRole('button', { name: 'Subir' }).click();
    const item = documents.getByTestId('case-document').filter({ hasText: 'Notificación de Comparecencia' });
    await item.waitFor();
    expect(await item.textContent()).toContain('PDF');
    await expectAccessible(page);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      item.getByRole('link', { name: 'Notificación de Comparecencia' }).click(),
    ]);
    const saved = await download.path();
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(saved);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      createHash('sha256').update(pdf).digest('hex'),
    );
    expect(download.suggestedFilename()).toBe('Notificación de Comparecencia.pdf');

    // Something that is no document: refused, in the reader's words.
    await form
      .getByLabel('Archivo (PDF o foto)')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hola') });
    await form.getByRole('button', { name: 'Subir' }).click();
    await documents
      .getByRole('alert')
      .getByText(/no es un PDF ni una foto/)
      .waitFor();

    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(30_000)]);
    await form
      .getByLabel('Archivo (PDF o foto)')
      .setInputFiles({ name: 'equivocada.jpg', mimeType: 'image/jpeg', buffer: photo });
    await form.getByLabel('Título').fill('Foto equivocada');
    await form.getByRole('button', { name: 'Subir' }).click();
    const wrong = documents.getByTestId('case-document').filter({ hasText: 'Foto equivocada' });
    await wrong.waitFor();
    await wrong.getByRole('button', { name: 'Eliminar Foto equivocada' }).click();
    await wrong.getByLabel('¿Por qué se elimina?').fill('Era de otro caso');
    await wrong.getByRole('button', { name: 'Eliminar el documento' }).click();
    await expect.poll(() => documents.getByTestId('case-document').count()).toBe(1);
    await context.close();

    const list = expectStatus(await client(t, legal).get(`/api/cases/${caseId}/documents`), 200).body;
    expect(list.documents.map((d: { title: string }) => d.title)).toEqual(['Notificación de Comparecencia']);
  }, 90_000);
});
