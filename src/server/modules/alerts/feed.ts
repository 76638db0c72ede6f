/**
 * The Atom feed of active CAP alerts, following OASIS's CAP feed practice
 * (one entry per alert, a link to its CAP document, the CAP `<alert>`
 * carried inline as the entry's content). Pure: no I/O.
 */

import { escapeXml } from './cap.js';

export interface FeedEntry {
  id: string;
  title: string;
  summary: string;
  sent: Date;
  /** The standalone CAP document (with its XML declaration). */
  capXml: string;
}

/** The CAP `<alert>` element without the XML declaration, indented to sit inside `<content>`. */
function inlineCap(xml: string): string {
  return xml
    .replace(/^<\?xml[^>]*>\s*/, '')
    .trimEnd()
    .split('\n')
    .map((line) => `      ${line}`)
    .join('\n');
}

/** The Atom document; `base` is this Faro's public address. */
export function atomFeed(feed: { base: string; title: string; updated: Date; entries: FeedEntry[] }): string {
  const entries = feed.entries
    .map(
      (entry) =>
        '  <entry>\n' +
        `    <id>urn:uuid:${entry.id}</id>\n` +
        `    <title>${escapeXml(entry.title)}</title>\n` +
        `    <updated>${entry.sent.toISOString()}</updated>\n` +
        `    <published>${entry.sent.toISOString()}</published>\n` +
        `    <link rel="alternate" type="application/cap+xml" href="${escapeXml(`${feed.base}/api/alerts/${entry.id}/cap.xml`)}"/>\n` +
        `    <summary>${escapeXml(entry.summary)}</summary>\n` +
        '    <content type="application/cap+xml">\n' +
        `${inlineCap(entry.capXml)}\n` +
        '    </content>\n' +
        '  </entry>\n',
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<feed xmlns="http://www.w3.org/2005/Atom">\n' +
    `  <id>${escapeXml(`${feed.base}/api/alerts/feed.atom`)}</id>\n` +
    `  <title>${escapeXml(feed.title)}</title>\n` +
    `  <updated>${feed.updated.toISOString()}</updated>\n` +
    `  <author><name>${escapeXml(feed.title)}</name></author>\n` +
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(`${feed.base}/api/alerts/feed.atom`)}"/>\n` +
    `  <link rel="alternate" type="text/html" href="${escapeXml(`${feed.base}/alerts`)}"/>\n` +
    entries +
    '</feed>\n'
  );
}
