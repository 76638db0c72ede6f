import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_REASONS } from '../src/shared/errors.js';
import { LANGUAGES, type Language } from '../src/shared/report-fields.js';
import { ApiError } from '../src/web/api.js';
import { errorText } from '../src/web/errors.js';
import en from '../src/web/locales/en.json' with { type: 'json' };
import es from '../src/web/locales/es.json' with { type: 'json' };

/**
 * Every error the web app can show is worded from its code and details in the
 * reader's language — never the server's message, which is English.
 */
const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({
    resources: { en: { translation: en }, es: { translation: es } },
    lng: 'en',
    fallbackLng: false,
    interpolation: { escapeValue: false },
  });
});

const SERVER_SAYS = 'The server’s own English sentence';
const failure = (code: string, details: Record<string, unknown> = {}, fields: { field: string }[] = []) =>
  new ApiError(
    code,
    SERVER_SAYS,
    400,
    fields.map((f) => ({ ...f, message: 'is not valid' })),
    details,
  );
const render = (language: Language, error: unknown, overrides = {}) =>
  errorText(i18n.getFixedT(language), error, overrides);

/** A text fully rendered: something, no key left as it was, no placeholder left open, not the server's. */
function expectRendered(text: string) {
  expect(text.trim()).not.toBe('');
  expect(text).not.toMatch(/\{\{|\b(errors|codes|reasons)\.[A-Za-z_]/);
  expect(text).not.toContain(SERVER_SAYS);
}

describe('error texts in the web app', () => {
  it.each(
    LANGUAGES.flatMap((language) => [...ERROR_CODES, 'NETWORK'].map((code) => [language, code] as const)),
  )('%s: %s has its own sentence', (language, code) => {
    const text = render(language, failure(code));
    expectRendered(text);
    expect(text).not.toBe(render(language, new Error('not from the API')));
    expect(text).not.toBe(render(language === 'en' ? 'es' : 'en', failure(code)));
  });

  it.each(LANGUAGES.flatMap((language) => ERROR_REASONS.map((reason) => [language, reason] as const)))(
    '%s: the reason %s is told as itself',
    (language, reason) => {
      const text = render(language, failure('CONFLICT', { reason, ring: 2 }));
      expectRendered(text);
      expect(text).not.toBe(render(language, failure('CONFLICT')));
    },
  );

  it('says when to try again, as the server asked', () => {
    expect(render('en', failure('RATE_LIMITED', { retryAfterSeconds: 30 }))).toBe(
      'Too many attempts. Try again in 30 seconds.',
    );
    expect(render('es', failure('RATE_LIMITED', { retryAfterSeconds: 1 }))).toBe(
      'Demasiados intentos. Intente de nuevo en 1 segundo.',
    );
    expect(render('es', failure('RATE_LIMITED', { retryAfterSeconds: 900 }))).toBe(
      'Demasiados intentos. Intente de nuevo en 15 minutos.',
    );
    expect(render('es', failure('UNAVAILABLE'))).toBe(
      'El servidor está ocupado por un momento; no se perdió nada. Espere un poco e intente de nuevo.',
    );
  });

  it('names the fields the server named, as the app calls them, and leaves out those it does not name', () => {
    const error = failure('VALIDATION', {}, [
      { field: 'offerPhone' },
      { field: 'report.present.0' },
      { field: 'report.present.1' },
      { field: 'somethingInternal' },
    ]);
    expect(render('es', error)).toBe('Algunos campos no son válidos. Revise: su celular, quién está ahí.');
    expect(render('en', error)).toBe('Some fields are not valid. Check: your mobile number, who is there.');
  });

  it('tells the security check’s outcome, what the guard found, and a size limit', () => {
    for (const outcome of ['missing', 'invalid', 'expired', 'reused'])
      for (const language of LANGUAGES) {
        const text = render(language, failure('FORBIDDEN', { proofOfWork: outcome }));
        expectRendered(text);
        expect(text).not.toBe(render(language, failure('FORBIDDEN')));
      }
    expect(render('es', failure('FORBIDDEN', { proofOfWork: 'expired' }))).toContain('venció');
    const blocked = failure('BLOCKED_BY_GUARD', {
      findings: [{ kind: 'phone' }, { kind: 'plate' }, { kind: 'phone' }],
    });
    expect(render('es', blocked)).toContain('encontró: número de teléfono, placa.');
    expect(render('en', blocked)).toContain('found: phone number, licence plate.');
    expect(render('es', failure('PAYLOAD_TOO_LARGE', { limitBytes: 1024 * 1024 }))).toBe(
      'Es demasiado grande: como máximo 1 MiB.',
    );
  });

  it('lets a form say it better for a code, and says something for what is not an API error', () => {
    expect(render('es', failure('CONFLICT'), { CONFLICT: 'Esta alerta cambió.' })).toBe(
      'Esta alerta cambió.',
    );
    expect(render('es', new TypeError('x is undefined'))).toBe('Algo salió mal. Intente de nuevo.');
    // A code a newer server might send: the general sentence, still not the server's words.
    expect(render('es', failure('SOMETHING_NEW'))).toBe('Algo salió mal. Intente de nuevo.');
  });
});
