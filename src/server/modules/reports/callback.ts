import type { SecretBox } from '../../crypto/secret-box.js';

/** How long a hotline caller's callback number is kept. */
export const CALLBACK_RETENTION_HOURS = 72;

const context = (reportId: string) => `report-callback:${reportId}`;

/** Digits and a leading plus only: what a dialer needs, nothing of how it was typed. */
export function normalizePhone(raw: string): string | null {
  const trimmed = raw.trim();
  const digits = trimmed.replace(/[^\d]/g, '');
  if (digits.length < 7 || digits.length > 15) return null;
  return trimmed.startsWith('+') ? `+${digits}` : digits;
}

export const sealCallback = (box: SecretBox, reportId: string, phone: string) =>
  box.seal(phone, context(reportId));

export const openCallback = (box: SecretBox, reportId: string, sealed: string | null) =>
  sealed ? box.open(sealed, context(reportId)) : null;
