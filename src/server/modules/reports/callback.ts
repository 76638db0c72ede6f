import type { SecretBox } from '../../crypto/secret-box.js';

/** How long a hotline caller's callback number is kept. */
export const CALLBACK_RETENTION_HOURS = 72;

const context = (reportId: string) => `report-callback:${reportId}`;

export const sealCallback = (box: SecretBox, reportId: string, phone: string) =>
  box.seal(phone, context(reportId));

export const openCallback = (box: SecretBox, reportId: string, sealed: string | null) =>
  sealed ? box.open(sealed, context(reportId)) : null;
