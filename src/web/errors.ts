import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorCode } from '../shared/errors.js';
import { ApiError } from './api.js';

/** i18next's `t`, as far as this file uses it. */
type Translate = (key: string, options?: Record<string, unknown>) => string;

/** What a page says for some codes instead of the general sentence (a form that knows better). */
export type ErrorOverrides = Partial<Record<ErrorCode | 'NETWORK', string>>;

/** The key's text, or '' where the locale has none (a reason or field this app does not name). */
const optional = (t: Translate, key: string, values: Record<string, unknown> = {}) =>
  t(key, { ...values, defaultValue: '' });

/** "2 MiB", "64 KiB": a size limit as a reader grasps it. */
function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KiB`;
}

/** The first sentence: what went wrong, from the most precise thing the server said about it. */
function what(t: Translate, error: ApiError): string {
  const details = error.details;
  // The public forms' security check: expired (send again) or missing, invalid, reused (reload).
  if (typeof details.proofOfWork === 'string')
    return optional(t, `errors.proofOfWork.${details.proofOfWork}`) || t('errors.proofOfWork.invalid');
  if (typeof details.reason === 'string') {
    const text = optional(t, `errors.reasons.${details.reason}`, details);
    if (text) return text;
  }
  if (error.code === 'BLOCKED_BY_GUARD' && Array.isArray(details.findings)) {
    const kinds = [...new Set(details.findings.map((f) => String((f as { kind?: unknown }).kind)))]
      .map((kind) => optional(t, `alerting.kinds.${kind}`))
      .filter(Boolean);
    if (kinds.length > 0) return t('errors.guard', { kinds: kinds.join(', ') });
  }
  if (error.code === 'PAYLOAD_TOO_LARGE' && typeof details.limitBytes === 'number')
    return t('errors.tooLarge', { size: size(details.limitBytes) });
  return optional(t, `errors.codes.${error.code}`) || t('errors.generic');
}

/**
 * A failed call in the reader's language, made from its error code and details
 * (fields, reason, retryAfterSeconds, proofOfWork, findings, limitBytes) with
 * the texts in src/web/locales — never the server's message, which is English
 * and written for API clients. Anything that is not an API error gets the
 * general sentence. The one way the web app words an error.
 */
export function errorText(t: Translate, error: unknown, overrides: ErrorOverrides = {}): string {
  if (!(error instanceof ApiError)) return t('errors.generic');
  const override = overrides[error.code as ErrorCode | 'NETWORK'];
  if (override) return override;
  const sentences = [what(t, error)];
  // The fields the server named, as this app calls them (a field it does not name is left out).
  const fields = [
    ...new Set(
      error.fields.map(({ field }) => {
        const name = field.split('.').filter((part) => !/^\d+$/.test(part));
        return optional(t, `errors.fields.${name.join('.')}`) || optional(t, `errors.fields.${name.at(-1)}`);
      }),
    ),
  ].filter(Boolean);
  if (fields.length > 0) sentences.push(t('errors.checkFields', { fields: fields.join(', ') }));
  // When to try again: as the server asked, else "a little" where waiting is the answer.
  const wait = Number(error.details.retryAfterSeconds);
  if (Number.isFinite(wait) && wait > 0)
    sentences.push(
      wait <= 90
        ? t('errors.retryIn', { count: Math.ceil(wait) })
        : t('errors.retryInMinutes', { count: Math.ceil(wait / 60) }),
    );
  else if (error.code === 'RATE_LIMITED' || error.code === 'UNAVAILABLE')
    sentences.push(t('errors.tryLater'));
  return sentences.join(' ');
}

/** `errorText` with this component's `t`. */
export function useErrorText(overrides?: ErrorOverrides) {
  const { t } = useTranslation();
  return useCallback((error: unknown) => errorText(t, error, overrides), [t, overrides]);
}
