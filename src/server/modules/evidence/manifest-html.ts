import type { Language } from '../../../shared/report-fields.js';
import { formatTime } from '../../../shared/time.js';
import { message } from '../../locales/messages.js';
import type { BundleCustodyRow, BundleItem, BundleManifest } from './bundle.js';

/**
 * The manifest as a page to read (manifest.html in a bundle): every fact of
 * manifest.json, every word from the server's locales, every value escaped.
 * It has no script and loads nothing: it is opened from a folder, offline,
 * maybe years later. Times are shown in the coalition's zone and, exactly, in
 * UTC to the millisecond (a court may compare them with other records).
 */
export function renderManifestHtml(manifest: BundleManifest, language: Language): string {
  const t = (key: string, values: Record<string, string> = {}) =>
    message(language, `evidenceBundle.${key}`, values);
  const time = (at: string | null) =>
    at
      ? `<time datetime="${escapeHtml(at)}">${escapeHtml(formatTime(at, language, manifest.timeZone, 'long'))}</time> <code>${escapeHtml(at)}</code>`
      : escapeHtml(t('fields.none'));
  const row = (label: string, valueHtml: string) => `<dt>${escapeHtml(label)}</dt><dd>${valueHtml}</dd>`;
  const code = (text: string | null) =>
    text ? `<code>${escapeHtml(text)}</code>` : escapeHtml(t('fields.none'));
  const role = (name: string | null) =>
    name ? escapeHtml(known(`roles.${name}`, name)) : escapeHtml(t('custody.server'));
  /** Events whose `reason` is a code of Faro's, not a person's words. */
  const CODED_REASONS = new Set(['deleted', 'working_copy_not_made']);
  /** A word for a value Faro may come to have more of than this catalog names: the value itself then. */
  const known = (key: string, fallback: string) => {
    try {
      return t(key);
    } catch {
      return fallback;
    }
  };

  const selection =
    'incidentId' in manifest.selection
      ? t('fields.selectionIncident', { id: manifest.selection.incidentId })
      : t('fields.selectionItems', { count: String(manifest.selection.itemIds.length) });

  const custodyTable = (item: BundleItem) => {
    const rows = item.custody.entries.map((entry: BundleCustodyRow) => {
      const details = Object.entries(entry.details)
        .map(([key, value]) => {
          // Codes are said in words; a person's words (a hold's reason) are shown as they are.
          const coded = key !== 'reason' || CODED_REASONS.has(entry.event);
          const shown = coded ? known(`detailValues.${key}.${String(value)}`, String(value)) : String(value);
          return `${escapeHtml(known(`details.${key}`, key))}: ${escapeHtml(shown)}`;
        })
        .join('<br>');
      return `<tr><td>${entry.seq}</td><td>${time(entry.at)}</td><td>${escapeHtml(known(`events.${entry.event}`, entry.event))}</td><td>${role(entry.actorRole)}</td><td>${code(entry.actorId)}</td><td>${code(entry.sessionTag)}</td><td>${details}</td><td><code class="hash">${escapeHtml(entry.hash)}</code></td></tr>`;
    });
    const check = item.custody.check;
    const verdict = check.ok
      ? t('custody.holds', { count: String(check.entries) })
      : t('custody.fails', { seq: String(check.seq), reason: t(`custodyReasons.${check.reason}`) });
    const head = ['seq', 'at', 'event', 'role', 'actor', 'session', 'details', 'hash']
      .map((column) => `<th scope="col">${escapeHtml(t(`custody.${column}`))}</th>`)
      .join('');
    return `<table><caption>${escapeHtml(t('custody.title'))}</caption><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table><p class="${check.ok ? 'ok' : 'bad'}">${escapeHtml(verdict)}</p>`;
  };

  /**
   * Each chunk as the server received it. A note's are its entries, shown open (when each reached
   * the server is part of the record); a recording's or a file's, folded (there may be thousands).
   */
  const receiptTable = (item: BundleItem) => {
    if (item.chunkHashes.length === 0) return '';
    const note = item.kind === 'note';
    const head = ['seq', 'receivedAt', 'bytes', 'sha256']
      .map((column) => `<th scope="col">${escapeHtml(t(`receipts.${column}`))}</th>`)
      .join('');
    const rows = item.chunkHashes.map(
      (chunk, index) =>
        `<tr><td>${index + 1}</td><td>${chunk.receivedAt ? time(chunk.receivedAt) : escapeHtml(t('receipts.unknown'))}</td><td>${chunk.bytes}</td><td><code class="hash">${escapeHtml(chunk.sha256)}</code></td></tr>`,
    );
    const title = escapeHtml(
      t(note ? 'receipts.entries' : 'receipts.chunks', { count: String(item.chunkHashes.length) }),
    );
    const table = `<table><caption>${title}</caption><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
    return note
      ? `<p>${escapeHtml(t('receipts.noteText'))}</p>${table}`
      : `<details><summary>${title}</summary>${table}</details>`;
  };

  const itemSection = (item: BundleItem) => {
    const file = item.file
      ? code(item.file)
      : escapeHtml(t(item.deleted ? 'noFile.deleted' : 'noFile.empty'));
    const stored = item.storeCheck.ok
      ? ''
      : `<p class="bad">${escapeHtml(t('storeFailed', { seq: String(item.storeCheck.seq), reason: t(`chunkReasons.${item.storeCheck.reason}`) }))}</p>`;
    return `<section><h3>${escapeHtml(t(`kinds.${item.kind}`))} <code>${escapeHtml(item.id)}</code></h3><dl>${[
      row(t('fields.incident'), code(item.incidentId)),
      row(t('fields.contentType'), code(item.contentType)),
      row(t('fields.state'), escapeHtml(t(`states.${item.state}`))),
      row(t('fields.recordedRole'), role(item.recordedRole)),
      row(t('fields.bytes'), escapeHtml(t('fields.bytesValue', { bytes: String(item.bytes) }))),
      item.durationMs === null
        ? ''
        : row(
            t('fields.duration'),
            escapeHtml(t('fields.durationValue', { seconds: (item.durationMs / 1000).toFixed(1) })),
          ),
      row(t('fields.sha256'), code(item.sha256)),
      row(t('fields.completedSha256'), code(item.completedSha256)),
      row(
        t('fields.chunks'),
        escapeHtml(
          t('fields.chunksValue', { count: String(item.chunks), stored: String(item.storedChunks) }),
        ),
      ),
      row(t('fields.chain'), code(item.chain)),
      row(t('fields.deviceStartedAt'), time(item.deviceStartedAt)),
      row(t('fields.receivedAt'), time(item.receivedAt)),
      row(t('fields.lastReceivedAt'), time(item.lastReceivedAt)),
      row(t('fields.completedAt'), time(item.completedAt)),
      row(t('fields.held'), escapeHtml(t(item.held ? 'fields.yes' : 'fields.no'))),
      row(t('fields.file'), file),
    ].join('')}</dl>${stored}${receiptTable(item)}${custodyTable(item)}</section>`;
  };

  const title = t('title', { id: manifest.bundleId });
  return `<!doctype html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#111}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}
code{font-family:ui-monospace,monospace;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:1rem 0}caption{text-align:left;font-weight:600}
th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left;vertical-align:top}
section{border-top:2px solid #111;margin-top:2rem}.ok{color:#064}.bad{color:#a00;font-weight:600}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(t('intro', { keyUrl: manifest.server.keyUrl }))}</p>
<h2>${escapeHtml(t('about'))}</h2>
<dl>${[
    row(t('fields.bundleId'), code(manifest.bundleId)),
    row(t('fields.createdAt'), time(manifest.createdAt)),
    row(t('fields.coalition'), escapeHtml(manifest.coalition.name)),
    row(
      t('fields.exportedBy'),
      `${escapeHtml(manifest.exportedBy.name)} (${role(manifest.exportedBy.role)})`,
    ),
    row(t('fields.selection'), escapeHtml(selection)),
    row(t('fields.signingKey'), code(manifest.signingKey.fingerprint)),
    row(t('fields.keyUrl'), code(manifest.server.keyUrl)),
  ].join('')}</dl>
<h2>${escapeHtml(t('fields.items'))}</h2>
${manifest.items.map(itemSection).join('\n')}
</body>
</html>
`;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or attribute value: nothing in it can open a tag or end an attribute. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
